"""flask-lts scan rule click-version: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "click-version"

BEFORE = '''import click
print(click.__version__)
'''

CLEAN = '''import click
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [2]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
