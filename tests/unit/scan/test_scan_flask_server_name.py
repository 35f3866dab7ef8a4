"""flask-lts scan rule flask-server-name: what it finds in real code, and what it leaves alone."""

from scan_helpers import NOT_APP_SERVER_NAME, Module, findings, scan_source, selected

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



def test_server_names_that_are_not_an_apps_config_are_left_alone():
    for path, source in NOT_APP_SERVER_NAME.items():
        assert scan_source(Module.parse(source, path), selected(RULE))[0] == [], path
