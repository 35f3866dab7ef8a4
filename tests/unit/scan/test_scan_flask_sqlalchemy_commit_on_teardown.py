"""flask-lts scan rule flask-sqlalchemy-commit-on-teardown: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-sqlalchemy-commit-on-teardown"

BEFORE = '''app.config["SQLALCHEMY_COMMIT_ON_TEARDOWN"] = True
'''

CLEAN = '''db.session.commit()
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
