"""SQLAlchemy 2.0 removed naming relationships by string in loader options and joins:
joinedload("items") and query.join("items") take the attribute, Model.items."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Hit, Rule, hit
from .._source import Module

LOADERS = ("joinedload", "subqueryload", "selectinload", "lazyload", "noload", "raiseload", "defer", "undefer",
           "load_only", "contains_eager", "defaultload", "immediateload")  # fmt: skip


class SQLAlchemyStringAttributes(Rule):
    id = "sqlalchemy-string-attributes"
    package = "sqlalchemy"
    since = "2.0.0"
    summary = 'joinedload("name"), query.join("name") and friends need the attribute, not its name'
    triggers = LOADERS + ("join",)

    def check(self, module: Module) -> Iterator[Hit]:
        if not module.mentions("sqlalchemy", "flask_sqlalchemy"):
            return
        for call in module.calls:
            strings = [a for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if not strings:
                continue
            name = module.qualname(call.func) or ""
            func = call.func
            if name.startswith("sqlalchemy") and name.rsplit(".", 1)[-1] in LOADERS:
                yield hit(call, f"{name.rsplit('.', 1)[-1]}({strings[0].value!r})", f"{name.rsplit('.', 1)[-1]}(Model.{strings[0].value})")
            elif isinstance(func, ast.Attribute) and func.attr in ("join", "outerjoin") and _query_chain(func.value):
                yield hit(call, f".{func.attr}({strings[0].value!r})", f".{func.attr}(Model.{strings[0].value})")


def _query_chain(node: ast.AST) -> bool:
    while isinstance(node, (ast.Call, ast.Attribute)):
        if isinstance(node, ast.Attribute) and node.attr == "query":
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


RULE = SQLAlchemyStringAttributes()
