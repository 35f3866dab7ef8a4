from scan_helpers import dedent, findings, fixed, lines

RULE = "flask-markup-escape"


def test_imports_move_to_markupsafe_and_the_rest_stays():
    before = """\
        from flask import Flask, Markup, escape, render_template
        app = Flask(__name__)
        safe = Markup("<b>%s</b>") % escape(name)
        """
    assert fixed(before, RULE) == dedent("""\
        from flask import Flask, render_template
        from markupsafe import Markup, escape
        app = Flask(__name__)
        safe = Markup("<b>%s</b>") % escape(name)
        """)


def test_a_parenthesized_import_keeps_its_shape():
    before = """\
        from flask import (
            Markup,
            request,
        )
        """
    assert fixed(before, RULE) == dedent("""\
        from flask import request
        from markupsafe import Markup
        """)


def test_attribute_use_is_reported_not_rewritten():
    source = """\
        import flask
        html = flask.Markup("<br>")
        """
    assert lines(source, RULE) == [2]
    assert fixed(source, RULE) == dedent(source)


def test_a_trailing_comment_survives():
    assert fixed("from flask import Markup  # for templates\n", RULE) == "from markupsafe import Markup  # for templates\n"


def test_an_import_with_a_comment_inside_is_left_alone():
    source = "from flask import (\n    Markup,  # for templates\n    request,\n)\n"
    assert [f.fixable for f in findings(source, RULE)] == [False]
    assert fixed(source, RULE) == source


def test_markupsafe_itself_is_fine():
    assert findings("from markupsafe import Markup, escape\n", RULE) == []
