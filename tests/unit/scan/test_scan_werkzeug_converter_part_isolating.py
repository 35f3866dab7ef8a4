"""flask-lts scan rule werkzeug-converter-part-isolating: what it finds in real code, and what
it leaves alone. The three converters below were matched against Werkzeug 2.1.2, 2.2.3 and
3.0.6: each matched /x/a/b under 2.1 and none under 2.2; 3.0 matches the one whose regex
spells a '/' (Slashed) by itself."""

from scan_helpers import dedent, findings, fixed, lines

RULE = "werkzeug-converter-part-isolating"

BEFORE = '''from werkzeug.routing import BaseConverter


class Anything(BaseConverter):
    regex = ".*"


class Slashed(BaseConverter):
    regex = "[a-z]+/[a-z]+"


class RegexConverter(BaseConverter):
    def __init__(self, url_map, *items):
        super().__init__(url_map)
        self.regex = items[0]


class ListConverter(BaseConverter):
    regex = r"\\d+(?:,\\d+)*"

    def to_python(self, value):
        return [int(v) for v in value.split(",")]
'''

AFTER = '''from werkzeug.routing import BaseConverter


class Anything(BaseConverter):
    regex = ".*"
    part_isolating = False


class Slashed(BaseConverter):
    regex = "[a-z]+/[a-z]+"


class RegexConverter(BaseConverter):
    def __init__(self, url_map, *items):
        super().__init__(url_map)
        self.regex = items[0]


class ListConverter(BaseConverter):
    regex = r"\\d+(?:,\\d+)*"

    def to_python(self, value):
        return [int(v) for v in value.split(",")]
'''

CLEAN = '''from werkzeug.routing import BaseConverter, PathConverter


class Anything(BaseConverter):
    regex = ".*"
    part_isolating = False


class Sub(PathConverter):
    regex = ".*"


class NotAConverter:
    regex = ".*"
'''


def test_finds_a_regex_matching_slash_and_one_set_at_run_time():
    assert lines(BEFORE, RULE) == [5, 15]
    assert [f.fixable for f in findings(BEFORE, RULE)] == [True, False]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_adds_part_isolating_where_the_regex_is_known():
    assert fixed(BEFORE, RULE) == dedent(AFTER)


def test_fix_is_idempotent():
    assert fixed(AFTER, RULE) == AFTER
