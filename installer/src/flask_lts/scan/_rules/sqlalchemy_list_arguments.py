"""SQLAlchemy 2.0 removed the list forms select([a, b]) and case([(cond, value)]):
the elements are passed positionally. Rewritten by dropping the brackets, which 1.4
accepts too."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Edit, Hit, Rule, hit, is_db
from .._source import Module

FUNCTIONS = {"sqlalchemy.select", "sqlalchemy.sql.select", "sqlalchemy.sql.expression.select", "sqlalchemy.future.select",
             "sqlalchemy.case", "sqlalchemy.sql.expression.case", "sqlalchemy.sql.case"}  # fmt: skip


class SQLAlchemyListArguments(Rule):
    id = "sqlalchemy-list-arguments"
    package = "sqlalchemy"
    since = "2.0.0"
    summary = "select([...]) and case([...]) take their elements positionally"
    fixable = True
    triggers = ("select", "case")

    def check(self, module: Module) -> Iterator[Hit]:
        for call in module.calls:
            name = module.qualname(call.func)
            func = call.func
            if name not in FUNCTIONS and not (isinstance(func, ast.Attribute) and func.attr in ("select", "case") and is_db(module, func.value)):
                continue
            if not call.args or not isinstance(call.args[0], ast.List):
                continue
            short = name.rsplit(".", 1)[-1] if name else func.attr  # type: ignore[union-attr]
            edits = ()
            if len(call.args) == 1 and (short == "select" or all(isinstance(e, ast.Tuple) for e in call.args[0].elts)):
                start, end = module.span(call.args[0])
                if module.source[start] == "[" and module.source[end - 1] == "]":
                    edits = (Edit(start, start + 1, ""), Edit(end - 1, end, ""))
            yield hit(call, f"{short}([...])", f"{short}(a, b, ...) without the list", edits)


RULE = SQLAlchemyListArguments()
