"""flask-lts scan rule werkzeug-authorization-token: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "werkzeug-authorization-token"

# Flask-HTTPAuth 4.7.0's token auth, as it stood before Werkzeug 2.3.
BEFORE = '''from flask import request
from werkzeug.datastructures import Authorization

def get_auth():
    auth = request.authorization
    if auth is None and "Authorization" in request.headers:
        auth_type, token = request.headers["Authorization"].split(None, 1)
        auth = Authorization(auth_type, {"token": token})
    return auth

def authenticate(auth):
    return verify(auth["token"])
'''

CLEAN = '''from flask import request
from werkzeug.datastructures import Authorization

def get_auth():
    auth = request.authorization
    if auth is None and "Authorization" in request.headers:
        auth_type, token = request.headers["Authorization"].split(None, 1)
        auth = Authorization(auth_type, token=token)
    return auth

def authenticate(auth):
    return verify(auth.token)
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [8, 12]


def test_leaves_the_token_attribute_alone():
    assert lines(CLEAN, RULE) == []
