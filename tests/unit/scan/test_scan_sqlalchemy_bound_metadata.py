"""flask-lts scan rule sqlalchemy-bound-metadata: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "sqlalchemy-bound-metadata"

BEFORE = '''from sqlalchemy import MetaData, Table

metadata = MetaData(bind=engine)
users = Table("users", metadata, autoload=True)
'''

CLEAN = '''from sqlalchemy import MetaData, Table
users = Table("users", MetaData(), autoload_with=engine)
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [3, 4]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
