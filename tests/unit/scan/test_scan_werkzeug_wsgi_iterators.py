"""flask-lts scan rule werkzeug-wsgi-iterators: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "werkzeug-wsgi-iterators"

BEFORE = '''from werkzeug.wsgi import make_line_iter, get_input_stream
'''

CLEAN = '''from werkzeug.wsgi import get_input_stream
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
