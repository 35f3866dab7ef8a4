"""flask-lts scan rule flask-ctx-stack: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-ctx-stack"

BEFORE = '''from flask import _app_ctx_stack, _request_ctx_stack
import flask

def teardown(exc):
    ctx = flask._app_ctx_stack.top
'''

CLEAN = '''from flask import g
g.db = None
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1, 1, 5]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
