"""Flask 3.0 deprecated `flask.__version__`."""

from __future__ import annotations

from .._rule import DEPRECATED, Moved, MovedNames


class FlaskVersion(MovedNames):
    id = "flask-version"
    package = "flask"
    since = "3.0.0"
    kind = DEPRECATED
    summary = "flask.__version__ is deprecated"
    names = {"flask.__version__": Moved("", 'importlib.metadata.version("flask")')}


RULE = FlaskVersion()
