"""flask-lts scan rule flask-sqlalchemy-paginate-keywords: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-sqlalchemy-paginate-keywords"

BEFORE = '''posts = Post.query.order_by(Post.timestamp.desc()).paginate(page, 20, False)
for p in posts.iter_pages(1, 2):
    pass
'''

CLEAN = '''posts = Post.query.paginate(page=page, per_page=20, error_out=False)
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1, 2]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
