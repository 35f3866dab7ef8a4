"""flask-lts scan rule flask-got-first-request: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-got-first-request"

BEFORE = '''if not app.got_first_request:
    app.register_blueprint(bp)
'''

CLEAN = '''app.register_blueprint(bp)
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
