"""flask-lts scan rule werkzeug-urls: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "werkzeug-urls"

BEFORE = '''from werkzeug.urls import url_parse, url_encode, iri_to_uri
import werkzeug.urls

def is_safe(target):
    return url_parse(target).netloc == "" and werkzeug.urls.url_quote(target)
'''

CLEAN = '''from urllib.parse import urlsplit
from werkzeug.urls import iri_to_uri, uri_to_iri
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1, 1, 5]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
