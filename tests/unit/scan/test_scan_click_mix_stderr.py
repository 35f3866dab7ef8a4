"""flask-lts scan rule click-mix-stderr: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "click-mix-stderr"

BEFORE = '''from click.testing import CliRunner

def test_cli(app):
    runner = CliRunner(mix_stderr=False)
    flask_runner = app.test_cli_runner(mix_stderr=False)
'''

CLEAN = '''from click.testing import CliRunner
runner = CliRunner()
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [4, 5]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
