"""flask-lts scan rule flask-removed-helpers: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-removed-helpers"

BEFORE = '''from flask.helpers import locked_cached_property
from flask import signals_available
'''

CLEAN = '''from werkzeug.utils import cached_property
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1, 2]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
