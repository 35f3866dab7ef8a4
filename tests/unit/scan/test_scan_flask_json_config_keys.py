"""flask-lts scan rule flask-json-config-keys: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-json-config-keys"

BEFORE = '''app.config["JSON_SORT_KEYS"] = False

class Config:
    JSON_AS_ASCII = False
    JSONIFY_PRETTYPRINT_REGULAR = True
'''

CLEAN = '''app.json.sort_keys = False
app.json.ensure_ascii = False
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1, 4, 5]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
