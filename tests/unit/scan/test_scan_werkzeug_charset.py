"""flask-lts scan rule werkzeug-charset: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "werkzeug-charset"

BEFORE = '''from flask import Request
from werkzeug.http import dump_cookie
from werkzeug.urls import iri_to_uri

class LatinRequest(Request):
    charset = "latin1"
    url_charset = "latin1"

cookie = dump_cookie("k", "v", charset="utf-8")
'''

CLEAN = '''from flask import Request

class JSONRequest(Request):
    json_module = None
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [6, 7, 9]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
