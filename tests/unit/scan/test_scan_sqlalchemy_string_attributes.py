"""flask-lts scan rule sqlalchemy-string-attributes: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "sqlalchemy-string-attributes"

BEFORE = '''from sqlalchemy.orm import joinedload

posts = Post.query.options(joinedload("author")).join("comments").all()
'''

CLEAN = '''from sqlalchemy.orm import joinedload
posts = Post.query.options(joinedload(Post.author)).all()
name = ", ".join("abc")
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [3, 3]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
