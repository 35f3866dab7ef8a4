"""flask-lts scan rule flask-smorest-version: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-smorest-version"

BEFORE = '''import flask_smorest
print(flask_smorest.__version__)
'''

CLEAN = '''from importlib.metadata import version
print(version("flask-smorest"))
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [2]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
