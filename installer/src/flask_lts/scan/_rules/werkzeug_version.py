"""Werkzeug 3.0 deprecated `werkzeug.__version__`; 3.1 removed it."""

from __future__ import annotations

from .._rule import Moved, MovedNames


class WerkzeugVersion(MovedNames):
    id = "werkzeug-version"
    package = "werkzeug"
    deprecated = "3.0.0"
    since = "3.1.0"
    summary = "werkzeug.__version__ is gone"
    names = {"werkzeug.__version__": Moved("", 'importlib.metadata.version("werkzeug")')}


RULE = WerkzeugVersion()
