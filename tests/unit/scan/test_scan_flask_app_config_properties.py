"""flask-lts scan rule flask-app-config-properties: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-app-config-properties"

BEFORE = '''from flask import Flask, current_app
app = Flask(__name__)
name = app.session_cookie_name
age = current_app.send_file_max_age_default
'''

CLEAN = '''name = app.config["SESSION_COOKIE_NAME"]
cookie.session_cookie_name = "x"
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [3, 4]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
