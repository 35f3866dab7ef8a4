"""Flask-SQLAlchemy 3.1.1 deprecated `flask_sqlalchemy.__version__` (3.1.0 still set it plainly)."""

from __future__ import annotations

from .._rule import DEPRECATED, Moved, MovedNames


class FlaskSQLAlchemyVersion(MovedNames):
    id = "flask-sqlalchemy-version"
    package = "flask-sqlalchemy"
    since = "3.1.1"
    kind = DEPRECATED
    summary = "flask_sqlalchemy.__version__ is deprecated"
    names = {"flask_sqlalchemy.__version__": Moved("", 'importlib.metadata.version("flask-sqlalchemy")')}


RULE = FlaskSQLAlchemyVersion()
