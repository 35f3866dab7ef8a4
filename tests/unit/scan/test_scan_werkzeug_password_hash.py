"""flask-lts scan rule werkzeug-password-hash: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "werkzeug-password-hash"

BEFORE = '''from werkzeug.security import generate_password_hash

class User:
    def set_password(self, password):
        self.password_hash = generate_password_hash(password)
        self.legacy = generate_password_hash(password, method="sha256")
'''

CLEAN = '''from werkzeug.security import generate_password_hash
h = generate_password_hash(password, method="pbkdf2:sha256")
h2 = generate_password_hash(password, "scrypt")
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [5, 6]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
