"""flask-lts scan rule marshmallow-removed-api: what it finds in real code, and what it leaves alone."""

from scan_helpers import findings, fixed, lines

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


# flask-accepts 1.0.1: a removed name with nothing one-for-one to import instead is a finding,
# not a fix (it was once rewritten into the same statement and counted as fixed).
VERSION_INFO = '''from marshmallow import fields as ma
from marshmallow import __version_info__ as marshmallow_version
if marshmallow_version < (3, 13, 0):
    pass
'''


def test_a_name_with_no_target_is_not_fixable():
    [finding] = findings(VERSION_INFO, RULE)
    assert (finding.line, finding.fixable) == (2, False)
    assert fixed(VERSION_INFO, RULE) == VERSION_INFO
