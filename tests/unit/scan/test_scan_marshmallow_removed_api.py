"""flask-lts scan rule marshmallow-removed-api: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "marshmallow-removed-api"

BEFORE = '''import marshmallow
from marshmallow import Schema, fields, post_load
from marshmallow.utils import from_iso_datetime

class NodeSchema(Schema):
    children = fields.Nested("self", many=True)
    size = fields.Number()

    @post_load(pass_many=True)
    def make(self, data, many, **kwargs):
        return data

print(marshmallow.__version__)
'''

CLEAN = '''from marshmallow import Schema, fields
children = fields.Nested(lambda: NodeSchema(), many=True)
size = fields.Float()
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [3, 6, 7, 9, 13]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
