"""flask-lts scan rule flask-limiter-decorator-arguments: what it finds in real code, and what it leaves alone."""

from scan_helpers import Module, dedent, fixed, lines, scan_source, selected

RULE = "flask-limiter-decorator-arguments"

# A Flask-Limiter 2 app: the key function passed by position to limit().
BEFORE = '''from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(app, key_func=keyFunction, default_limits=["30 per minute", "1 per second"])

@app.route('/genKey', methods=['GET'])
@limiter.limit("1/minute", get_remote_address)
def getID():
    return cntrlr.handleKeyGen(request)

shared = limiter.shared_limit("100 per hour", "auth", get_remote_address)
'''

AFTER = '''from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(app, key_func=keyFunction, default_limits=["30 per minute", "1 per second"])

@app.route('/genKey', methods=['GET'])
@limiter.limit("1/minute", key_func=get_remote_address)
def getID():
    return cntrlr.handleKeyGen(request)

shared = limiter.shared_limit("100 per hour", "auth", key_func=get_remote_address)
'''

CLEAN = '''@limiter.limit("5 per minute", key_func=get_remote_address)
def login():
    pass

auth_limit = limiter.shared_limit('100 per hour', scope=lambda _: request.host, key_func=util.get_remote_address)
per_visitor = limiter.shared_limit(settings.rate_limit, "ask")
'''

# slowapi (FastAPI) keeps the positional form: its limiter is not Flask-Limiter's.
SLOWAPI = '''from slowapi import Limiter
limiter = Limiter(key_func=get_remote_address)

@limiter.shared_limit(getenv("REGULAR_RATE_LIMIT", "30/minute"), "trade", get_remote_address)
async def sell_item(request):
    pass
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [7, 11]


def test_leaves_keywords_and_the_scope_alone():
    assert lines(CLEAN, RULE) == []


def test_leaves_slowapi_alone():
    assert scan_source(Module.parse(SLOWAPI, "main.py"), selected(RULE))[0] == []


def test_fix_names_the_arguments():
    assert fixed(BEFORE, RULE) == dedent(AFTER)
    assert fixed(AFTER, RULE) == AFTER
