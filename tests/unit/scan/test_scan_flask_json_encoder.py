"""flask-lts scan rule flask-json-encoder: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-json-encoder"

BEFORE = '''from flask import Flask
from flask.json import JSONEncoder

class Encoder(JSONEncoder):
    pass

app = Flask(__name__)
app.json_encoder = Encoder
'''

CLEAN = '''from flask.json.provider import DefaultJSONProvider
app.json_provider_class = DefaultJSONProvider
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [2, 8]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
