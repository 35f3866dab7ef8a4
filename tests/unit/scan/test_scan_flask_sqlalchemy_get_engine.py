"""flask-lts scan rule flask-sqlalchemy-get-engine: what it finds in real code (Flask-Migrate
3.1's alembic env.py template), and what it leaves alone."""

from scan_helpers import findings, lines

RULE = "flask-sqlalchemy-get-engine"

BEFORE = '''from flask import current_app

config.set_main_option(
    "sqlalchemy.url", str(current_app.extensions["migrate"].db.get_engine().url))
engine = db.get_engine(bind="users")
'''

CLEAN = '''engine = db.engines["users"]
conn = pool.get_engine()
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [4, 5]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []


def test_it_is_a_deprecation_not_a_removal():
    assert {f.kind for f in findings(BEFORE, RULE)} == {"deprecated"}
