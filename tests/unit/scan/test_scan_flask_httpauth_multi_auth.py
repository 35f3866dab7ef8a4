"""flask-lts scan rule flask-httpauth-4-8-1: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-httpauth-4-8-1"

BEFORE = '''from flask_httpauth import HTTPTokenAuth, MultiAuth
token_auth = HTTPTokenAuth()
multi = MultiAuth(basic_auth, token_auth)

@token_auth.verify_token
def verify_token(token):
    return token == "secret" or None

extra = multi.additional_auth
'''

CLEAN = '''from flask_httpauth import HTTPBasicAuth
basic_auth = HTTPBasicAuth()
extra = multi.additional_auths
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [6, 9]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
