"""flask-lts scan rule marshmallow-validates-signature: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "marshmallow-validates-signature"

BEFORE = '''from marshmallow import Schema, ValidationError, validates

class UserSchema(Schema):
    @validates("name")
    def validate_name(self, value):
        if not value:
            raise ValidationError("empty")
'''

CLEAN = '''from marshmallow import Schema, validates

class UserSchema(Schema):
    @validates("name")
    def validate_name(self, value, **kwargs):
        pass
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [5]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
