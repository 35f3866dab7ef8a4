"""flask-lts scan rule sqlalchemy-session-autocommit: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "sqlalchemy-session-autocommit"

BEFORE = '''from sqlalchemy.orm import sessionmaker
Session = sessionmaker(bind=engine, autocommit=True)
'''

CLEAN = '''from sqlalchemy.orm import sessionmaker
Session = sessionmaker(bind=engine)
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [2]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
