"""flask-lts scan rule marshmallow-field-metadata: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "marshmallow-field-metadata"

BEFORE = '''from marshmallow import Schema, fields

class PetSchema(Schema):
    name = fields.String(required=True, description="The pet's name", example="Rex")
'''

CLEAN = '''from marshmallow import Schema, fields
name = fields.String(required=True, metadata={"description": "The pet's name"})
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [4]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
