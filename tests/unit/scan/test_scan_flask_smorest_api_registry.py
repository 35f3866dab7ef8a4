"""flask-lts scan rule flask-smorest-api-registry: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-smorest-api-registry"

BEFORE = '''from flask import current_app

def get_api():
    return current_app.extensions["flask-smorest"]["ext_obj"]
'''

CLEAN = '''from flask import current_app

def get_api():
    return current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [4]


def test_leaves_the_new_layout_alone():
    assert lines(CLEAN, RULE) == []
