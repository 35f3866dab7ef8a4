"""flask-lts scan rule werkzeug-ordered-multidict: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "werkzeug-ordered-multidict"

BEFORE = '''from werkzeug.datastructures import OrderedMultiDict
class OrderedRequest(Request):
    parameter_storage_class = OrderedMultiDict
'''

CLEAN = '''from werkzeug.datastructures import MultiDict
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
