"""flask-lts scan rule flask-server-name: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-server-name"

BEFORE = '''app.config["SERVER_NAME"] = "example.com"

class Config:
    SERVER_NAME = "example.com"
'''

CLEAN = '''app.config["TRUSTED_HOSTS"] = ["example.com"]
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1, 4]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
