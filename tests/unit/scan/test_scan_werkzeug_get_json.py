"""flask-lts scan rule werkzeug-get-json-415: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "werkzeug-get-json-415"

BEFORE = '''from flask import request

def create():
    data = request.get_json()
'''

CLEAN = '''from flask import request
data = request.get_json(silent=True)
other = response.get_json()
if request.is_json:
    form = MultiDict(request.get_json())
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [4]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
