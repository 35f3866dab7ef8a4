"""flask-lts scan rule werkzeug-auth-headers: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "werkzeug-auth-headers"

BEFORE = '''from werkzeug.http import parse_authorization_header
from werkzeug.datastructures import WWWAuthenticate

auth = parse_authorization_header(request.headers.get("Authorization"))
header = WWWAuthenticate()
header.set_basic("realm")
'''

CLEAN = '''from werkzeug.datastructures import Authorization
auth = Authorization.from_header(request.headers.get("Authorization"))
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1, 6]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
