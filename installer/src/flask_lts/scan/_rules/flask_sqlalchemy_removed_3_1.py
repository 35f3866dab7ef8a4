"""Flask-SQLAlchemy 3.0 renamed or deprecated the 2.x engine and query helpers; 3.1
removed the old names."""

from __future__ import annotations

from typing import Iterator

from .._rule import Hit, Moved, MovedNames, hit, is_db
from .._source import Module

METHODS = {
    "get_tables_for_bind": "db.metadatas[bind_key].tables",
    "get_binds": "db.engines / the session's get_bind()",
}


class FlaskSQLAlchemyRemoved31(MovedNames):
    id = "flask-sqlalchemy-removed-3-1"
    package = "flask-sqlalchemy"
    deprecated = "3.0.0"
    since = "3.1.0"
    summary = "BaseQuery, SignallingSession, get_debug_queries, db.get_tables_for_bind/get_binds are gone"
    fixable = True
    triggers = ("flask_sqlalchemy", "get_tables_for_bind", "get_binds")
    names = {
        "flask_sqlalchemy.BaseQuery": Moved("flask_sqlalchemy.query.Query"),
        "flask_sqlalchemy.SignallingSession": Moved("flask_sqlalchemy.session.Session"),
        "flask_sqlalchemy.get_debug_queries": Moved("", "flask_sqlalchemy.record_queries.get_recorded_queries (dataclasses; context is location)"),
    }

    def check(self, module: Module) -> Iterator[Hit]:
        yield from super().check(module)
        for attr, instead in METHODS.items():
            for node in module.attributes.get(attr, ()):
                if is_db(module, node.value):
                    yield hit(node, module.segment(node), instead)


RULE = FlaskSQLAlchemyRemoved31()
