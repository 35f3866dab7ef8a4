"""flask-lts scan rule flask-babel-date-formats: what it finds in real code, and what it leaves alone."""

from scan_helpers import dedent, fixed, lines

RULE = "flask-babel-date-formats"

# No public code using it turned up in a search; this is the override the 2.0 attribute
# allowed (Flask-Babel 2.0's init_app set date_formats from it), on the app's Babel object.
BEFORE = '''from flask_babel import Babel

babel = Babel(app)
babel._date_formats["datetime"] = "short"
'''

AFTER = '''from flask_babel import Babel

babel = Babel(app)
babel.date_formats["datetime"] = "short"
'''

# openpyxl's reader (a real use of the same name on something else).
CLEAN = '''parser = WorkSheetParser(source, sheet._shared_strings, data_only=True,
                         date_formats=sheet.parent._date_formats)
babel.date_formats["date"] = "long"
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [4]


def test_leaves_other_objects_and_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_renames_the_attribute():
    assert fixed(BEFORE, RULE) == dedent(AFTER)
    assert fixed(AFTER, RULE) == AFTER
