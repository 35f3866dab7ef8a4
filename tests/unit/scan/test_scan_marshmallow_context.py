"""flask-lts scan rule marshmallow-context: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "marshmallow-context"

BEFORE = '''from marshmallow import Schema, fields

class UserSchema(Schema):
    def get_url(self, obj):
        return self.context["request"].url

UserSchema(context={"request": request}).dump(user)
'''

CLEAN = '''from marshmallow import Schema
from marshmallow.experimental.context import Context
with Context({"request": request}):
    UserSchema().dump(user)
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [5, 7]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
