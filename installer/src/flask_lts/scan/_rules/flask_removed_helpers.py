"""Flask 2.3 deprecated `locked_cached_property` and `signals_available`; 3.0
removed them."""

from __future__ import annotations

from .._rule import Moved, MovedNames


class FlaskRemovedHelpers(MovedNames):
    id = "flask-removed-helpers"
    package = "flask"
    deprecated = "2.3.0"
    since = "3.0.0"
    summary = "flask.helpers.locked_cached_property and flask.signals_available are gone"
    names = {
        "flask.helpers.locked_cached_property": Moved("", "werkzeug.utils.cached_property, with a lock inside if needed"),
        "flask.signals_available": Moved("", "nothing: signals are always available (blinker is required)"),
        "flask.signals.signals_available": Moved("", "nothing: signals are always available (blinker is required)"),
    }


RULE = FlaskRemovedHelpers()
