"""flask-lts scan rule sqlalchemy-engine-arguments: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "sqlalchemy-engine-arguments"

BEFORE = '''import sqlalchemy as sa
engine = sa.create_engine(url, convert_unicode=True, encoding="utf-8", pool_pre_ping=True)
'''

CLEAN = '''import sqlalchemy as sa
engine = sa.create_engine(url, pool_pre_ping=True)
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [2, 2]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
