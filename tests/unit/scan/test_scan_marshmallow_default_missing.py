"""flask-lts scan rule marshmallow-default-missing: what it finds in real code, and what it leaves alone."""

from scan_helpers import dedent, fixed, lines

RULE = "marshmallow-default-missing"

BEFORE = '''from marshmallow import Schema, fields

class UserSchema(Schema):
    name = fields.String(missing="anonymous")
    page = fields.Int(default=1, required=False)
    tag = ma.String(missing=None)
'''

CLEAN = '''from marshmallow import Schema, fields
name = fields.String(load_default="anonymous")
value = config.get("x", default=1)
'''

AFTER = '''from marshmallow import Schema, fields

class UserSchema(Schema):
    name = fields.String(load_default="anonymous")
    page = fields.Int(dump_default=1, required=False)
    tag = ma.String(load_default=None)
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [4, 5, 6]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_rewrites_what_is_safe():
    assert fixed(BEFORE, RULE) == dedent(AFTER)


def test_fix_is_idempotent():
    assert fixed(AFTER, RULE) == AFTER
