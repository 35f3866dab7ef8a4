"""flask-lts scan rule click-flag-default: what it finds in real code, and what it leaves alone.
Each case was run with click 8.1.8, 8.3.0 and 8.4.2 (see the rule's docstring)."""

from scan_helpers import dedent, fixed, lines

RULE = "click-flag-default"

BEFORE = '''import click


@click.command()
@click.option("--upper", "case", flag_value="upper", default="lower")
@click.option("--json", "fmt", flag_value="json", default=False)
@click.option("--verbose", is_flag=True, default=0)
def cli(case, fmt, verbose):
    click.echo(case)
'''

AFTER = '''import click


@click.command()
@click.option("--upper", "case", flag_value="upper", default="lower")
@click.option("--json", "fmt", flag_value="json", default=False)
@click.option("--verbose", is_flag=True, default=False)
def cli(case, fmt, verbose):
    click.echo(case)
'''

CLEAN = '''import click


@click.command()
@click.option("--debug", is_flag=True, default=False)
@click.option("--shout/--no-shout", default=None)
@click.option("--upper", "case", flag_value="upper", default=True)
@click.option("--lower", "case", flag_value="lower")
@click.option("--name", default="world")
def cli(debug, shout, case, name):
    click.echo(name)
'''


def test_finds_each_changed_default():
    assert lines(BEFORE, RULE) == [5, 6, 7]


def test_leaves_defaults_that_behave_as_before_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_makes_a_numeric_flag_default_a_bool():
    assert fixed(BEFORE, RULE) == dedent(AFTER)


def test_fix_is_idempotent():
    assert fixed(AFTER, RULE) == AFTER
