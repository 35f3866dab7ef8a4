"""Flask 2.3 deprecated `flask.Markup` and `flask.escape`; 3.0 removed them."""

from __future__ import annotations

from .._rule import Moved, MovedNames


class FlaskMarkupEscape(MovedNames):
    id = "flask-markup-escape"
    package = "flask"
    deprecated = "2.3.0"
    since = "3.0.0"
    summary = "flask.Markup and flask.escape: import them from markupsafe"
    fixable = True
    names = {
        "flask.Markup": Moved("markupsafe.Markup"),
        "flask.escape": Moved("markupsafe.escape"),
    }


RULE = FlaskMarkupEscape()
