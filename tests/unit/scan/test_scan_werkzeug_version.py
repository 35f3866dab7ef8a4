"""flask-lts scan rule werkzeug-version: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "werkzeug-version"

BEFORE = '''import werkzeug
v = werkzeug.__version__
'''

CLEAN = '''from importlib.metadata import version
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [2]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
