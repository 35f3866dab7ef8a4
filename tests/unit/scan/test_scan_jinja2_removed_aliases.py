"""flask-lts scan rule jinja2-removed-aliases: what it finds in real code, and what it leaves alone."""

from scan_helpers import dedent, fixed, lines

RULE = "jinja2-removed-aliases"

BEFORE = '''from jinja2 import Markup, contextfunction

@contextfunction
def url(context, name):
    return Markup(name)
'''

CLEAN = '''from jinja2 import pass_context
from markupsafe import Markup
'''

AFTER = '''from jinja2 import pass_context
from markupsafe import Markup

@pass_context
def url(context, name):
    return Markup(name)
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1, 1]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_rewrites_what_is_safe():
    assert fixed(BEFORE, RULE) == dedent(AFTER)


def test_fix_is_idempotent():
    assert fixed(AFTER, RULE) == AFTER
