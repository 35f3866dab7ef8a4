"""Flask-Bcrypt 0.7: a password hashed and checked."""

REQUIRES = ["flask-bcrypt<1.0", "bcrypt"]  # no BCRYPT_HANDLE_LONG_PASSWORDS before 1.0
VARIANT_OF = "test_bcrypt.py"  # the same app, without the option 0.7 does not have

import pytest
from flask import Flask
from flask_bcrypt import Bcrypt


@pytest.fixture
def app():
    app = Flask(__name__)
    app.config["BCRYPT_LOG_ROUNDS"] = 4  # the minimum: keeps the test fast
    app.bcrypt = Bcrypt(app)
    return app


def test_hash_and_check(app):
    bcrypt = app.bcrypt
    pw_hash = bcrypt.generate_password_hash("correct horse")
    assert pw_hash.decode().startswith("$2b$04$")
    assert bcrypt.check_password_hash(pw_hash, "correct horse")
    assert bcrypt.check_password_hash(pw_hash.decode(), "correct horse")
    assert not bcrypt.check_password_hash(pw_hash, "battery staple")
    # Salted: the same password hashes differently each time.
    assert bcrypt.generate_password_hash("correct horse") != pw_hash


def test_unicode_password(app):
    pw_hash = app.bcrypt.generate_password_hash("pässwörd✓")
    assert app.bcrypt.check_password_hash(pw_hash, "pässwörd✓")
    assert not app.bcrypt.check_password_hash(pw_hash, "passwort")


def test_long_password_with_the_default_config(app):
    # A passphrase longer than bcrypt's 72 bytes, as a password manager makes, hashed at
    # sign-up and checked at log-in with the default configuration. Flask-Bcrypt's docs:
    # "By default, the bcrypt algorithm has a maximum password length of 72 bytes and ignores
    # any bytes beyond that"; the user signs up and logs in all the same.
    bcrypt = app.bcrypt
    long_pw = "correct horse battery staple " * 4  # 116 bytes
    pw_hash = bcrypt.generate_password_hash(long_pw)
    assert bcrypt.check_password_hash(pw_hash, long_pw)
    assert not bcrypt.check_password_hash(pw_hash, "correct horse")
