"""flask-lts scan rule flask-sqlalchemy-table-names: what it finds in real code, and what it
leaves alone. The names are checked against both converters as the releases ship them."""

import pytest

from scan_helpers import dedent, fixed, lines

from flask_lts.scan._rules.flask_sqlalchemy_table_names import new_name, old_name

RULE = "flask-sqlalchemy-table-names"

BEFORE = '''from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)


class UserSMS(db.Model):
    """A text message sent to a user."""
    id = db.Column(db.Integer, primary_key=True)


class HTTP2Request(db.Model):
    id = db.Column(db.Integer, primary_key=True)


class AdminSMS(UserSMS):
    pass
'''

AFTER = '''from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)


class UserSMS(db.Model):
    """A text message sent to a user."""
    __tablename__ = "userSMS"
    id = db.Column(db.Integer, primary_key=True)


class HTTP2Request(db.Model):
    __tablename__ = "htt_p2_request"
    id = db.Column(db.Integer, primary_key=True)


class AdminSMS(UserSMS):
    pass
'''

CLEAN = '''class UserSMS(db.Model):
    __tablename__ = "user_sms"
    id = db.Column(db.Integer, primary_key=True)


class Base(db.Model):
    __abstract__ = True
'''


@pytest.mark.parametrize(
    "name, old, new",
    [  # 2.5.1's and 3.0.0's camel_to_snake_case, on names of 3.0's own tests
        ("CamelCase", "camel_case", "camel_case"),
        ("HTMLLayout", "html_layout", "html_layout"),
        ("LayoutHTML", "layoutHTML", "layout_html"),
        ("HTTP2Request", "htt_p2_request", "http2_request"),
        ("UserST4", "user_s_t4", "user_st4"),
        ("ABCPost", "abc_post", "abc_post"),
    ],
)
def test_both_converters(name, old, new):
    assert (old_name(name), new_name(name)) == (old, new)


def test_finds_models_whose_table_name_changes():
    assert lines(BEFORE, RULE) == [10, 15]


def test_leaves_named_and_abstract_models_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_keeps_the_old_table_name():
    assert fixed(BEFORE, RULE) == dedent(AFTER)


def test_fix_is_idempotent():
    assert fixed(AFTER, RULE) == AFTER
