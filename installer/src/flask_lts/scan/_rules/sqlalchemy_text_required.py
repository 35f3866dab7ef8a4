"""SQLAlchemy 2.0 no longer accepts a plain SQL string in execute(): wrap it in text()."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Hit, Rule, dotted, hit
from .._source import Module

NOT_SQLALCHEMY = ("cursor", "cur", "c")


class SQLAlchemyTextRequired(Rule):
    id = "sqlalchemy-text-required"
    package = "sqlalchemy"
    since = "2.0.0"
    summary = 'execute("SELECT ...") needs sqlalchemy.text()'
    triggers = ("execute",)

    def check(self, module: Module) -> Iterator[Hit]:
        if not module.mentions("sqlalchemy", "flask_sqlalchemy"):
            return
        for call in module.calls:
            func = call.func
            if not (isinstance(func, ast.Attribute) and func.attr in ("execute", "scalar", "scalars") and call.args):
                continue
            if dotted(func.value).rsplit(".", 1)[-1] in NOT_SQLALCHEMY:
                continue
            sql = call.args[0]
            if isinstance(sql, ast.JoinedStr) or (isinstance(sql, ast.Constant) and isinstance(sql.value, str)):
                yield hit(call, f"{module.segment(func)}(<SQL string>)", f"{module.segment(func)}(text(...)) with from sqlalchemy import text")


RULE = SQLAlchemyTextRequired()
