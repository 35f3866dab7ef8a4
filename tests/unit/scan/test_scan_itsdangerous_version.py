"""flask-lts scan rule itsdangerous-version: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "itsdangerous-version"

BEFORE = '''import itsdangerous
v = itsdangerous.__version__
'''

CLEAN = '''import itsdangerous
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [2]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
