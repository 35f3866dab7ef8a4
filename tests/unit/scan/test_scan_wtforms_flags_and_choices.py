"""flask-lts scan rule wtforms-flags-and-choices: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "wtforms-flags-and-choices"

BEFORE = '''from wtforms.fields import SelectField

class Widgetish(SelectField):
    field_flags = ("required",)

    def iter_choices(self):
        for value, label in self.choices:
            yield (value, label, value == self.data)
'''

CLEAN = '''class Widgetish(SelectField):
    field_flags = {"required": True}

    def iter_choices(self):
        for value, label in self.choices:
            yield (value, label, value == self.data, {})
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [4, 8]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
