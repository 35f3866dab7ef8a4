"""flask-lts scan rule werkzeug-cache-control: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "werkzeug-cache-control"

BEFORE = '''from flask import request


def cache_seconds():
    if request.cache_control.no_cache == "*":
        return 0
    age = request.cache_control.max_age
    return age if age != -1 else 60
'''

CLEAN = '''from flask import request, make_response


def view():
    response = make_response("ok")
    response.cache_control.max_age = 300
    response.cache_control.public = True
    return response if request.cache_control.no_store else response
'''


def test_finds_each_read():
    assert lines(BEFORE, RULE) == [5, 7]


def test_leaves_settings_and_unchanged_properties_alone():
    assert lines(CLEAN, RULE) == []
