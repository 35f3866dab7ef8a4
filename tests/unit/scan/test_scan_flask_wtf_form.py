"""flask-lts scan rule flask-wtf-form: what it finds in real code, and what it leaves alone."""

from scan_helpers import dedent, fixed, lines

RULE = "flask-wtf-form"

BEFORE = '''from flask_wtf import Form
from wtforms import StringField

class LoginForm(Form):
    name = StringField("name")
'''

CLEAN = '''from flask_wtf import FlaskForm
'''

AFTER = '''from flask_wtf import FlaskForm
from wtforms import StringField

class LoginForm(FlaskForm):
    name = StringField("name")
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_rewrites_what_is_safe():
    assert fixed(BEFORE, RULE) == dedent(AFTER)


def test_fix_is_idempotent():
    assert fixed(AFTER, RULE) == AFTER
