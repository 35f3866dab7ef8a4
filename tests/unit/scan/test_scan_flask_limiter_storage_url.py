"""flask-lts scan rule flask-limiter-storage-url: what it finds in real code, and what it leaves alone."""

from scan_helpers import dedent, fixed, lines

RULE = "flask-limiter-storage-url"

# As apps set it: in the app factory, and in a config class.
BEFORE = '''app.config['REDIS_URL'] = os.getenv('REDIS_URL', 'redis://localhost:6379/0')
app.config['RATELIMIT_STORAGE_URL'] = app.config['REDIS_URL']
app.config['RATELIMIT_DEFAULT'] = '1000 per hour'

class Config:
    RATELIMIT_ENABLED = True
    RATELIMIT_DEFAULT = "100/hour"
    RATELIMIT_STORAGE_URL = "memory://"
'''

AFTER = '''app.config['REDIS_URL'] = os.getenv('REDIS_URL', 'redis://localhost:6379/0')
app.config['RATELIMIT_STORAGE_URI'] = app.config['REDIS_URL']
app.config['RATELIMIT_DEFAULT'] = '1000 per hour'

class Config:
    RATELIMIT_ENABLED = True
    RATELIMIT_DEFAULT = "100/hour"
    RATELIMIT_STORAGE_URL = "memory://"
'''

CLEAN = '''app.config["RATELIMIT_STORAGE_URI"] = os.environ["REDIS_URL"]
storage = os.environ.get("RATELIMIT_STORAGE_URL", "memory://")
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [2, 8]


def test_leaves_the_new_key_and_environment_variables_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_renames_the_string_key_only():
    # A config class's attribute may be read elsewhere by its name: reported, not renamed.
    assert fixed(BEFORE, RULE) == dedent(AFTER)
    assert fixed(AFTER, RULE) == dedent(AFTER)
