"""flask-lts scan rule werkzeug-test-client-cookies: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "werkzeug-test-client-cookies"

BEFORE = '''def test_session(app):
    client = app.test_client()
    client.set_cookie("localhost", "session", "abc")
    client.delete_cookie("localhost", "session")
    jar = client.cookie_jar
'''

CLEAN = '''def test_session(app, response):
    client = app.test_client()
    client.set_cookie("session", "abc", domain="localhost")
    response.set_cookie("session", "abc", 3600)
    client.get_cookie("session")
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [3, 4, 5]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
