"""flask-lts scan rule flask-limiter-private-modules: what it finds in real code, and what it leaves alone."""

from scan_helpers import dedent, fixed, lines

RULE = "flask-limiter-private-modules"

BEFORE = '''from flask_limiter.extension import Limiter
from flask_limiter.util import get_remote_address
'''

CLEAN = '''from flask_limiter import Limiter
'''

AFTER = '''from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_rewrites_what_is_safe():
    assert fixed(BEFORE, RULE) == dedent(AFTER)


def test_fix_is_idempotent():
    assert fixed(AFTER, RULE) == AFTER
