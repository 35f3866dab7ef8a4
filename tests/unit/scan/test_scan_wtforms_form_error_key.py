"""flask-lts scan rule wtforms-form-error-key: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "wtforms-form-error-key"

BEFORE = '''def test_errors(form):
    assert form.errors[None] == ["bad"]
    assert form.errors.get(None)
'''

CLEAN = '''assert form.errors[""] == ["bad"]
errors = {}
errors[None] = 1
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [2, 3]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
