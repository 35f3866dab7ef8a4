"""flask-lts scan rule sqlalchemy-text-required: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "sqlalchemy-text-required"

BEFORE = '''from flask_sqlalchemy import SQLAlchemy

db.session.execute("DELETE FROM users")
conn.execute(f"SELECT * FROM {table}")
'''

CLEAN = '''from sqlalchemy import text
db.session.execute(text("DELETE FROM users"))
cursor.execute("SELECT 1")
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [3, 4]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
