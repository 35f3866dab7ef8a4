"""flask-lts scan rule flask-session-cookie-domain: what it finds in real code, and what it leaves alone."""

from scan_helpers import NOT_APP_SERVER_NAME, Module, findings, lines, scan_source, selected

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



def test_server_names_that_are_not_an_apps_config_are_left_alone():
    for path, source in NOT_APP_SERVER_NAME.items():
        assert scan_source(Module.parse(source, path), selected(RULE))[0] == [], path
