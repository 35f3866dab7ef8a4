"""flask-lts scan rule sqlalchemy-engine-execute: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "sqlalchemy-engine-execute"

BEFORE = '''from sqlalchemy import create_engine, select

engine = create_engine("sqlite://")
rows = engine.execute(select(users)).fetchall()
count = db.engine.scalar(select(func.count()))
result = select(users).where(users.c.id == 1).execute()
'''

CLEAN = '''from sqlalchemy import create_engine, select
with engine.begin() as conn:
    rows = conn.execute(select(users)).fetchall()
db.session.execute(select(users))
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [4, 5, 6]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
