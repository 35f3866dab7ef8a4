"""SQLAlchemy 2.0 removed Engine.table_names(), Engine.has_table() and
Inspector.from_engine(): use sqlalchemy.inspect(engine)."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Hit, Rule, hit
from .._source import Module


class SQLAlchemyEngineInspection(Rule):
    id = "sqlalchemy-engine-inspection"
    package = "sqlalchemy"
    since = "2.0.0"
    summary = "engine.table_names(), engine.has_table(), Inspector.from_engine() are gone"
    triggers = ("table_names", "has_table", "from_engine")

    def check(self, module: Module) -> Iterator[Hit]:
        if not module.mentions("sqlalchemy", "flask_sqlalchemy"):
            return
        for call in module.calls:
            func = call.func
            if not isinstance(func, ast.Attribute):
                continue
            receiver = module.segment(func.value)
            if func.attr in ("table_names", "has_table") and "engine" in receiver.lower():
                yield hit(call, f"{receiver}.{func.attr}()", f"sqlalchemy.inspect({receiver}).{'get_table_names' if func.attr == 'table_names' else 'has_table'}()")
            elif func.attr == "from_engine" and receiver.endswith("Inspector"):
                yield hit(call, f"{receiver}.from_engine()", "sqlalchemy.inspect(engine)")


RULE = SQLAlchemyEngineInspection()
