"""flask-lts scan rule click-base-command: what it finds in real code, and what it leaves alone."""

from scan_helpers import dedent, fixed, lines

RULE = "click-base-command"

BEFORE = '''import click
from click import MultiCommand, echo

class Plugins(MultiCommand):
    pass

class Single(click.BaseCommand):
    pass
'''

CLEAN = '''import click
class Plugins(click.Group):
    pass
'''

AFTER = '''import click
from click import Group, echo

class Plugins(Group):
    pass

class Single(click.Command):
    pass
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [2, 7]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_rewrites_what_is_safe():
    assert fixed(BEFORE, RULE) == dedent(AFTER)


def test_fix_is_idempotent():
    assert fixed(AFTER, RULE) == AFTER
