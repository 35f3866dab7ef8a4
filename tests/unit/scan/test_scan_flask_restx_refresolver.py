"""flask-lts scan rule flask-restx-refresolver: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-restx-refresolver"

BEFORE = '''import pytz
from jsonschema import Draft4Validator
from flask_restx import Api, inputs

api = Api(app)
validator = Draft4Validator(schema, resolver=api.refresolver)
assert inputs.datetime_from_iso8601("2024-01-01T00:00:00Z").tzinfo == pytz.UTC
'''

CLEAN = '''from datetime import timezone
from flask_restx import Api, inputs

api = Api(app)
assert inputs.datetime_from_iso8601("2024-01-01T00:00:00Z").tzinfo == timezone.utc
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1, 6]


def test_leaves_the_standard_library_alone():
    assert lines(CLEAN, RULE) == []
