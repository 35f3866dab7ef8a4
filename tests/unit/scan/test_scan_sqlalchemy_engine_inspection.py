"""flask-lts scan rule sqlalchemy-engine-inspection: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "sqlalchemy-engine-inspection"

BEFORE = '''import sqlalchemy
if "users" not in db.engine.table_names():
    db.create_all()
'''

CLEAN = '''import sqlalchemy
sqlalchemy.inspect(db.engine).get_table_names()
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [2]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
