"""flask-lts scan rule flask-session-interfaces: what it finds in real code, and what it leaves alone."""

from scan_helpers import dedent, fixed, lines

RULE = "flask-session-interfaces"

# A subclass fixing the Redis interface, an app factory, and a custom backend on the base classes.
BEFORE = '''from flask_session.sessions import RedisSessionInterface
import logging

class FixedRedisSessionInterface(RedisSessionInterface):
    pass

from flask_session import Session
from flask_session.sessions import FileSystemSessionInterface
from flask_session.sessions import ServerSideSession, SessionInterface
'''

AFTER = '''from flask_session.redis import RedisSessionInterface
import logging

class FixedRedisSessionInterface(RedisSessionInterface):
    pass

from flask_session import Session
from flask_session.filesystem import FileSystemSessionInterface
from flask_session.sessions import SessionInterface
from flask_session.base import ServerSideSession
'''

# The fallback some apps wrote for older releases: both forms fail on 0.7.
FALLBACK = '''try:
    from flask_session.sessions import RedisSessionInterface, FileSystemSessionInterface
except ImportError:
    from flask_session import RedisSessionInterface, FileSystemSessionInterface
'''

CLEAN = '''from flask_session import Session
from flask_session.redis import RedisSessionInterface
from flask_session.base import ServerSideSession
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1, 8, 9, 9]
    assert lines(FALLBACK, RULE) == [2, 2, 4, 4]


def test_leaves_the_new_modules_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_moves_what_has_a_new_home():
    # SessionInterface has no one-for-one successor: it stays, and is still reported.
    assert fixed(BEFORE, RULE) == dedent(AFTER)
    assert fixed(AFTER, RULE) == AFTER
    assert lines(AFTER, RULE) == [9]
