"""flask-lts scan rule flask-cors-resource-matching: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-cors-resource-matching"

BEFORE = '''from flask_cors import CORS

CORS(app, resources={r"/api/*": {"origins": "*"}, r"/api/Admin/.*": {"origins": "https://admin.example.com"}})

class Config:
    CORS_RESOURCES = {r"/v1/C++/*": {}}
'''

CLEAN = '''from flask_cors import CORS

CORS(app, resources={r"/api/*": {"origins": "*"}})
CORS(app, origins=["https://example.com"])
'''


def test_finds_patterns_whose_match_changes():
    assert lines(BEFORE, RULE) == [3, 6]


def test_leaves_one_lower_case_pattern_alone():
    assert lines(CLEAN, RULE) == []
