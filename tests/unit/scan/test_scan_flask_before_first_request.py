"""flask-lts scan rule flask-before-first-request: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-before-first-request"

BEFORE = '''@app.before_first_request
def create_tables():
    db.create_all()

@bp.before_app_first_request
def warm():
    pass
'''

CLEAN = '''with app.app_context():
    db.create_all()
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1, 5]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
