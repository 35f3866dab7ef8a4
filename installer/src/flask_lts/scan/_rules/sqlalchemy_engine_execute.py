"""SQLAlchemy 2.0 removed Engine.execute() and "implicit execution" of statements
(`select(...).execute()`): run statements on a Connection or Session."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Hit, Rule, dotted, hit
from .._source import Module

STATEMENTS = {"select", "insert", "update", "delete", "text"}


def _engine_like(module: Module, node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in ("get_engine", "create_engine")
    name = dotted(node).rsplit(".", 1)[-1].lower()
    return name == "engine" or name.endswith("_engine") or module.instances.get(dotted(node)) == "sqlalchemy.create_engine"


class SQLAlchemyEngineExecute(Rule):
    id = "sqlalchemy-engine-execute"
    package = "sqlalchemy"
    since = "2.0.0"
    summary = "engine.execute() and statement.execute() are gone"
    triggers = ("execute", "scalar")

    def check(self, module: Module) -> Iterator[Hit]:
        if not module.mentions("sqlalchemy", "flask_sqlalchemy", "engine"):
            return
        for call in module.calls:
            func = call.func
            if not isinstance(func, ast.Attribute) or func.attr not in ("execute", "scalar"):
                continue
            if _engine_like(module, func.value):
                yield hit(call, f"{module.segment(func)}(...)",
                          "with engine.begin() as conn: conn.execute(...)  (or db.session.execute(...))")  # fmt: skip
            elif isinstance(func.value, ast.Call) and not call.args and _statement(func.value):
                yield hit(call, f"{module.segment(func.value)[:40]}.{func.attr}() (implicit execution)",
                          f"session.{func.attr}(statement) or connection.{func.attr}(statement)")  # fmt: skip


def _statement(node: ast.Call) -> bool:
    """A chain like select(...).where(...) or table.insert().values(...)."""
    while isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in STATEMENTS:
            return True
        if not isinstance(func, ast.Attribute):
            return False
        node = func.value  # type: ignore[assignment]
    return False


RULE = SQLAlchemyEngineExecute()
