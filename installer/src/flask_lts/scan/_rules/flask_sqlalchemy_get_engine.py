"""Flask-SQLAlchemy 3.0 deprecated db.get_engine() (to be removed in 3.2; 3.1 still
has it): db.engine, or db.engines[bind_key]."""

from __future__ import annotations

from typing import Iterator

from .._rule import DEPRECATED, Hit, Rule, hit, is_db
from .._source import Module


class FlaskSQLAlchemyGetEngine(Rule):
    id = "flask-sqlalchemy-get-engine"
    package = "flask-sqlalchemy"
    since = "3.0.0"
    kind = DEPRECATED
    summary = "db.get_engine() is deprecated"
    triggers = ("get_engine",)

    def check(self, module: Module) -> Iterator[Hit]:
        for node in module.attributes.get("get_engine", ()):
            if is_db(module, node.value) or module.segment(node.value).endswith(".db"):
                yield hit(node, module.segment(node), "db.engine, or db.engines[bind_key]")


RULE = FlaskSQLAlchemyGetEngine()
