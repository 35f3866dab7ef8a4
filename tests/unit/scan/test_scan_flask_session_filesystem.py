"""flask-lts scan rule flask-session-filesystem: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-session-filesystem"

BEFORE = '''app.config["SESSION_TYPE"] = "filesystem"
app.config["SESSION_PERMANENT"] = False

class Config:
    SESSION_TYPE = 'filesystem'
    SESSION_FILE_DIR = 'flask_session/'
    SESSION_FILE_THRESHOLD = 500

from flask_session.filesystem import FileSystemSessionInterface
'''

CLEAN = '''from cachelib.file import FileSystemCache
app.config["SESSION_TYPE"] = "cachelib"
app.config["SESSION_CACHELIB"] = FileSystemCache(cache_dir="flask_session", threshold=500)
SESSION_TYPE = "redis"
storage = "filesystem"
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1, 5, 9]


def test_leaves_cachelib_and_other_backends_alone():
    assert lines(CLEAN, RULE) == []
