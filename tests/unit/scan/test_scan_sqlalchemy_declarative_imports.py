"""flask-lts scan rule sqlalchemy-declarative-imports: what it finds in real code, and what it leaves alone."""

from scan_helpers import dedent, fixed, lines

RULE = "sqlalchemy-declarative-imports"

BEFORE = '''from sqlalchemy.ext.declarative import declarative_base, declared_attr, DeferredReflection

Base = declarative_base()
'''

CLEAN = '''from sqlalchemy.orm import declarative_base
'''

AFTER = '''from sqlalchemy.ext.declarative import DeferredReflection
from sqlalchemy.orm import declarative_base, declared_attr

Base = declarative_base()
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1, 1]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_rewrites_what_is_safe():
    assert fixed(BEFORE, RULE) == dedent(AFTER)


def test_fix_is_idempotent():
    assert fixed(AFTER, RULE) == AFTER
