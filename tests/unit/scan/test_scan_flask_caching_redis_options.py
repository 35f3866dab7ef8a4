"""flask-lts scan rule flask-caching-redis-options: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-caching-redis-options"

BEFORE = '''from flask_caching import Cache

class Config:
    CACHE_TYPE = "RedisCache"
    CACHE_REDIS_URL = "redis://localhost:6379/0"
    CACHE_OPTIONS = {"key_prefix": "myapp"}

app.config.update({"CACHE_REDIS_URL": url, "CACHE_OPTIONS": {"socket_timeout": 2}})
'''

CLEAN = '''class Config:
    CACHE_TYPE = "RedisCache"
    CACHE_REDIS_HOST = "localhost"
    CACHE_OPTIONS = {"socket_timeout": 2}
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [6, 8]


def test_leaves_options_without_a_redis_url_alone():
    assert lines(CLEAN, RULE) == []
