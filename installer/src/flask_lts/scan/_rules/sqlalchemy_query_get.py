"""SQLAlchemy 2.0 made Query.get() legacy (it warns): Session.get(Model, id).
Flask-SQLAlchemy's Model.query.get() is the same method."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import DEPRECATED, Hit, Rule, hit
from .._source import Module


class SQLAlchemyQueryGet(Rule):
    id = "sqlalchemy-query-get"
    package = "sqlalchemy"
    since = "2.0.0"
    kind = DEPRECATED
    summary = "Query.get() is legacy: Session.get(Model, id)"
    triggers = ("query",)

    def check(self, module: Module) -> Iterator[Hit]:
        for call in module.calls:
            func = call.func
            if not (isinstance(func, ast.Attribute) and func.attr == "get" and len(call.args) == 1 and not call.keywords):
                continue
            owner = func.value
            if isinstance(owner, ast.Attribute) and owner.attr == "query":  # Model.query.get(id)
                model = module.segment(owner.value)
                yield hit(call, f"{model}.query.get(...)", f"db.session.get({model}, ...)")
            elif isinstance(owner, ast.Call) and isinstance(owner.func, ast.Attribute) and owner.func.attr == "query" and len(owner.args) == 1:
                model = module.segment(owner.args[0])
                session = module.segment(owner.func.value)
                yield hit(call, f"{session}.query({model}).get(...)", f"{session}.get({model}, ...)")


RULE = SQLAlchemyQueryGet()
