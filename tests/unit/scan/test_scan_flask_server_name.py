"""flask-lts scan rule flask-server-name: what it finds in real code, and what it leaves alone."""

from scan_helpers import Module, findings, scan_source, selected

RULE = "flask-server-name"

BEFORE = '''app.config["SERVER_NAME"] = "example.com"

class Config:
    SERVER_NAME = "example.com"
'''

CLEAN = '''app.config["TRUSTED_HOSTS"] = ["example.com"]
name = app.config["SERVER_NAME"]
'''


def test_finds_each_setting():
    assert [f.line for f in findings(BEFORE, RULE)] == [1, 4]


def test_leaves_reading_it_and_other_keys_alone():
    assert findings(CLEAN, RULE) == []


def test_tests_that_set_it_to_build_urls_are_left_alone():
    module = Module.parse(BEFORE, "tests/test_urls.py")
    assert scan_source(module, selected(RULE))[0] == []


PLUGIN = '''import pytest


@pytest.fixture
def live_server(app, port):
    app.config["SERVER_NAME"] = f"localhost:{port}"
    app.config.update(SERVER_NAME="localhost")
    yield app
'''


def test_a_plugins_fixtures_are_left_alone():
    module = Module.parse(PLUGIN, "pytest_flask/fixtures.py")
    assert scan_source(module, selected(RULE))[0] == []


def test_the_wsgi_environ_key_is_not_flask_config():
    # werkzeug.middleware.proxy_fix sets the WSGI environ's SERVER_NAME
    source = 'environ["HTTP_HOST"] = environ["SERVER_NAME"] = x_host\n'
    assert scan_source(Module.parse(source, "proxy_fix.py"), selected(RULE))[0] == []

