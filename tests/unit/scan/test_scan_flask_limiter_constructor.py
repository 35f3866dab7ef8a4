"""flask-lts scan rule flask-limiter-constructor: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-limiter-constructor"

BEFORE = '''from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
limiter = Limiter(app, key_func=get_remote_address)
'''

CLEAN = '''from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
limiter = Limiter(get_remote_address, app=app)
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [3]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
