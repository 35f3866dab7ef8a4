"""flask-lts scan rule sqlalchemy-query-get: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "sqlalchemy-query-get"

BEFORE = '''@login.user_loader
def load_user(id):
    return User.query.get(int(id))

post = db.session.query(Post).get(post_id)
'''

CLEAN = '''user = db.session.get(User, int(id))
value = request.args.get("x")
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [3, 5]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
