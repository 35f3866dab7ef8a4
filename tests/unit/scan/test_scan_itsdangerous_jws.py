"""flask-lts scan rule itsdangerous-jws: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "itsdangerous-jws"

BEFORE = '''from itsdangerous import TimedJSONWebSignatureSerializer as Serializer

def get_reset_token(self, expires_sec=1800):
    s = Serializer(app.config["SECRET_KEY"], expires_sec)
'''

CLEAN = '''from itsdangerous import URLSafeTimedSerializer
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
