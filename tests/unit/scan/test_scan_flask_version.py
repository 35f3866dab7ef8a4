"""flask-lts scan rule flask-version: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-version"

BEFORE = '''import flask
print(flask.__version__)
from flask import __version__
'''

CLEAN = '''from importlib.metadata import version
version('flask')
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [2, 3]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
