"""flask-lts scan rule marshmallow-meta-options: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "marshmallow-meta-options"

BEFORE = '''from marshmallow import Schema

class UserSchema(Schema):
    class Meta:
        ordered = True
        additional = ("email",)
'''

CLEAN = '''from marshmallow import Schema

class UserSchema(Schema):
    class Meta:
        unknown = "exclude"
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [5, 6]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
