"""Flask-SQLAlchemy 3.0 renamed or deprecated the 2.x engine and query helpers and moved the
top-level names into submodules (3.0's `_deprecated_map`: the old name returned the very object
the new path holds); 3.1 removed the old names."""

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
    summary = "BaseQuery, SignallingSession, Model, Pagination, models_committed & co., get_debug_queries, db.get_tables_for_bind/get_binds are gone from the top level"
    fixable = True
    triggers = ("flask_sqlalchemy", "get_tables_for_bind", "get_binds")
    names = {
        "flask_sqlalchemy.BaseQuery": Moved("flask_sqlalchemy.query.Query"),
        "flask_sqlalchemy.SignallingSession": Moved("flask_sqlalchemy.session.Session"),
        "flask_sqlalchemy.get_debug_queries": Moved("", "flask_sqlalchemy.record_queries.get_recorded_queries (dataclasses; context is location)"),
        "flask_sqlalchemy.Model": Moved("flask_sqlalchemy.model.Model"),
        "flask_sqlalchemy.DefaultMeta": Moved("flask_sqlalchemy.model.DefaultMeta"),
        "flask_sqlalchemy.Pagination": Moved("flask_sqlalchemy.pagination.Pagination"),
        "flask_sqlalchemy.models_committed": Moved("flask_sqlalchemy.track_modifications.models_committed"),
        "flask_sqlalchemy.before_models_committed": Moved("flask_sqlalchemy.track_modifications.before_models_committed"),
    }

    def check(self, module: Module) -> Iterator[Hit]:
        yield from super().check(module)
        for attr, instead in METHODS.items():
            for node in module.attributes.get(attr, ()):
                if is_db(module, node.value):
                    yield hit(node, module.segment(node), instead)


RULE = FlaskSQLAlchemyRemoved31()
