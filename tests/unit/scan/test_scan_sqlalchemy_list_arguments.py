"""flask-lts scan rule sqlalchemy-list-arguments: what it finds in real code, and what it leaves alone."""

from scan_helpers import dedent, fixed, lines

RULE = "sqlalchemy-list-arguments"

BEFORE = '''from sqlalchemy import case, select

stmt = select([users.c.id, users.c.name]).where(users.c.id > 5)
label = case([(users.c.id == 1, "one")], else_="many")
q = db.select([User])
'''

CLEAN = '''from sqlalchemy import select
stmt = select(users.c.id, users.c.name)
'''

AFTER = '''from sqlalchemy import case, select

stmt = select(users.c.id, users.c.name).where(users.c.id > 5)
label = case((users.c.id == 1, "one"), else_="many")
q = db.select(User)
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [3, 4, 5]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_rewrites_what_is_safe():
    assert fixed(BEFORE, RULE) == dedent(AFTER)


def test_fix_is_idempotent():
    assert fixed(AFTER, RULE) == AFTER
