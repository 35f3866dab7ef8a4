"""flask-lts scan rule werkzeug-wsgi-path-info: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "werkzeug-wsgi-path-info"

# A path-prefix middleware as written for Werkzeug 1.x/2.1.
BEFORE = '''from werkzeug.wsgi import get_script_name, pop_path_info
from werkzeug import wsgi


class PrefixMiddleware:
    def __init__(self, app, prefix):
        self.app, self.prefix = app, prefix

    def __call__(self, environ, start_response):
        if wsgi.peek_path_info(environ) == self.prefix.strip("/"):
            pop_path_info(environ)
        environ["app.root"] = get_script_name(environ)
        return self.app(environ, start_response)
'''

CLEAN = '''from werkzeug.wsgi import get_current_url, get_host


def url(environ):
    return get_current_url(environ), get_host(environ), environ.get("SCRIPT_NAME", "")
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1, 1, 10]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
