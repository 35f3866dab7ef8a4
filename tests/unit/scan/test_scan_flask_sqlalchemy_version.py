"""flask-lts scan rule flask-sqlalchemy-version: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-sqlalchemy-version"

BEFORE = '''import flask_sqlalchemy
flask_sqlalchemy.__version__
'''

CLEAN = '''import flask_sqlalchemy
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [2]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
