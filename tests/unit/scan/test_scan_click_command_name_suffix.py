"""flask-lts scan rule click-command-name-suffix: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "click-command-name-suffix"

BEFORE = '''import click

@click.command()
def init_db_command():
    pass

@app.cli.group()
def users_grp():
    pass
'''

CLEAN = '''import click

@click.command("init-db")
def init_db_command():
    pass

@click.command()
def serve():
    pass
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [4, 8]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
