"""flask-lts scan rule flask-sqlalchemy-app-argument: what it finds in real code, and what it leaves alone."""

from scan_helpers import dedent, fixed, lines

RULE = "flask-sqlalchemy-app-argument"

BEFORE = '''from flask_sqlalchemy import SQLAlchemy
db = SQLAlchemy()
db.create_all(app=app)
db.drop_all(bind="users")
'''

CLEAN = '''with app.app_context():
    db.create_all(bind_key="users")
'''

AFTER = '''from flask_sqlalchemy import SQLAlchemy
db = SQLAlchemy()
db.create_all(app=app)
db.drop_all(bind_key="users")
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [3, 4]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_rewrites_what_is_safe():
    assert fixed(BEFORE, RULE) == dedent(AFTER)


def test_fix_is_idempotent():
    assert fixed(AFTER, RULE) == AFTER
