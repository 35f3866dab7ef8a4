"""flask-lts scan rule flask-sqlalchemy-app-context: what it finds in real code, and what it
leaves alone. BEFORE is the shape of flask-whooshee 0.8.2's tests, whose 33 failures under
Flask-SQLAlchemy 3 begin at db.create_all() in set-up."""

from scan_helpers import lines

RULE = "flask-sqlalchemy-app-context"

BEFORE = '''import unittest

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)


class BaseTest(unittest.TestCase):
    def setUp(self):
        self.app = Flask(__name__)
        self.db = SQLAlchemy(self.app)
        self.db.create_all()

    def tearDown(self):
        self.db.session.remove()
        self.db.drop_all()


if __name__ == "__main__":
    db.create_all()
    app.run()
'''

CLEAN = '''import unittest

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)


@app.route("/")
def index():
    return str(db.session.query(User).count())


def add(user):
    db.session.add(user)


class ContextTest(unittest.TestCase):
    def setUp(self):
        self.ctx = app.app_context()
        self.ctx.push()
        db.create_all()

    def tearDown(self):
        db.drop_all()
        self.ctx.pop()


if __name__ == "__main__":
    with app.app_context():
        db.create_all()
    app.run()
'''

INIT_APP = '''from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
db.create_all()
'''


def test_finds_uses_where_no_context_is_pushed():
    assert lines(BEFORE, RULE) == [14, 17, 18, 22]


def test_leaves_views_helpers_and_pushed_contexts_alone():
    assert lines(CLEAN, RULE) == []


def test_leaves_files_whose_extension_is_not_made_with_the_app_alone():
    # Under 2.x this needed a context already: it is not a change of 3.0.
    assert lines(INIT_APP, RULE) == []
