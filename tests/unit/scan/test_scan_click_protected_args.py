"""flask-lts scan rule click-protected-args: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "click-protected-args"

BEFORE = '''import click

def invoke(self, ctx):
    first = ctx.protected_args[0]
'''

CLEAN = '''import click
first = ctx.args[0]
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [4]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
