"""flask-lts scan rule flask-session-use-signer: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-session-use-signer"

BEFORE = '''app.config['SESSION_TYPE'] = 'filesystem'
app.config['SESSION_PERMANENT'] = True
app.config['SESSION_USE_SIGNER'] = True

class Config(object):
    SESSION_TYPE = 'redis'
    SESSION_REDIS = redis.StrictRedis(host=REDIS_HOST, port=REDIS_PORT)
    SESSION_USE_SIGNER = True
'''

CLEAN = '''app.config['SESSION_PERMANENT'] = False
app.config['SESSION_USE_SIGNER'] = False
'''


def test_finds_each_setting():
    assert lines(BEFORE, RULE) == [3, 8]


def test_leaves_false_and_other_keys_alone():
    assert lines(CLEAN, RULE) == []
