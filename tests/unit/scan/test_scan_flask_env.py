"""flask-lts scan rule flask-env: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-env"

BEFORE = '''import os
from flask import Flask

app = Flask(__name__)
if app.env == "development":
    pass
os.environ["FLASK_ENV"] = "development"
app.config["ENV"] = "production"

class DevConfig:
    ENV = "development"
'''

CLEAN = '''app = Flask(__name__)
if app.debug:
    pass
env = "dev"
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [5, 7, 8, 11]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
