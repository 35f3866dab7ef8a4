"""flask-lts scan rule flask-session-cookie-domain: what it finds in real code, and what it leaves alone."""

from scan_helpers import Module, findings, lines, scan_source, selected

RULE = "flask-session-cookie-domain"

BEFORE = '''class ProductionConfig:
    SERVER_NAME = "example.com"


app.config.update(SERVER_NAME="example.com", SECRET_KEY="x")
'''

CLEAN = '''class ProductionConfig:
    SERVER_NAME = "example.com"
    SESSION_COOKIE_DOMAIN = ".example.com"
'''


def test_finds_server_name_without_a_cookie_domain():
    assert lines(BEFORE, RULE) == [2, 5]


def test_leaves_a_file_setting_the_cookie_domain_alone():
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

