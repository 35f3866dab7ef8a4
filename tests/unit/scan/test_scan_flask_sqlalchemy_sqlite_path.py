"""flask-lts scan rule flask-sqlalchemy-sqlite-path: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-sqlalchemy-sqlite-path"

# Flask-Migrate 3.1.0's test app, whose tests then open app.db beside it.
BEFORE = '''from flask import Flask
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:///app.db'
app.config['SQLALCHEMY_BINDS'] = {"db1": "sqlite:///app1.db"}
db = SQLAlchemy(app)
'''

CLEAN = '''import os
from flask import Flask

app = Flask(__name__)
app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:////var/lib/app/app.db'
app.config['SQLALCHEMY_BINDS'] = {"mem": "sqlite:///:memory:", "here": "sqlite:///" + os.path.join(app.root_path, "a.db")}
'''


def test_finds_each_relative_path():
    assert lines(BEFORE, RULE) == [5, 6]


def test_leaves_absolute_and_memory_databases_alone():
    assert lines(CLEAN, RULE) == []
