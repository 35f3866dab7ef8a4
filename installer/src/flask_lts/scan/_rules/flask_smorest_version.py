"""flask-smorest 0.45.0 removed `flask_smorest.__version__`. Source: CHANGELOG.rst,
0.45.0: "*Backwards-incompatible*: Remove ``flask_smorest.__version__`` (:pr:`616`)"."""

from __future__ import annotations

from .._rule import Moved, MovedNames


class FlaskSmorestVersion(MovedNames):
    id = "flask-smorest-version"
    package = "flask-smorest"
    since = "0.45.0"
    summary = "flask_smorest.__version__ is gone"
    triggers = ("flask_smorest",)
    names = {"flask_smorest.__version__": Moved("", 'importlib.metadata.version("flask-smorest")')}


RULE = FlaskSmorestVersion()
