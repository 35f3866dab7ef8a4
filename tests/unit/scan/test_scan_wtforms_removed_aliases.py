"""flask-lts scan rule wtforms-removed-aliases: what it finds in real code, and what it leaves alone."""

from scan_helpers import dedent, fixed, lines

RULE = "wtforms-removed-aliases"

BEFORE = '''from wtforms import StringField, TextField
from wtforms.validators import Required, Email

class Form:
    name = TextField("Name", validators=[Required()])
    mail = StringField("Mail", validators=[Email()])
'''

CLEAN = '''from wtforms import StringField
from wtforms.validators import DataRequired
'''

AFTER = '''from wtforms import StringField
from wtforms.validators import DataRequired, Email

class Form:
    name = StringField("Name", validators=[DataRequired()])
    mail = StringField("Mail", validators=[Email()])
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1, 2]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_rewrites_what_is_safe():
    assert fixed(BEFORE, RULE) == dedent(AFTER)


def test_fix_is_idempotent():
    assert fixed(AFTER, RULE) == AFTER
