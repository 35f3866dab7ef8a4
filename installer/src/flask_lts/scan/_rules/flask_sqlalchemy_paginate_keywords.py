"""Flask-SQLAlchemy 3.0 made the arguments of paginate() and iter_pages()
keyword-only: paginate(1, 20, False) raises TypeError."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Hit, Rule, hit
from .._source import Module

NAMES = {"paginate": ("page", "per_page", "error_out", "max_per_page"),
         "iter_pages": ("left_edge", "left_current", "right_current", "right_edge")}  # fmt: skip


class FlaskSQLAlchemyPaginateKeywords(Rule):
    id = "flask-sqlalchemy-paginate-keywords"
    package = "flask-sqlalchemy"
    since = "3.0.0"
    summary = "paginate() and iter_pages() take keyword arguments only"
    triggers = tuple(NAMES)

    def check(self, module: Module) -> Iterator[Hit]:
        for call in module.calls:
            func = call.func
            if not (isinstance(func, ast.Attribute) and func.attr in NAMES and call.args):
                continue
            if func.attr == "paginate" and "query" not in module.segment(func.value) and "select" not in module.segment(func.value):
                continue
            names = NAMES[func.attr]
            written = ", ".join(f"{n}={module.segment(a)}" for n, a in zip(names, call.args))
            yield hit(call, f"{func.attr}() with positional arguments", f"{func.attr}({written})")


RULE = FlaskSQLAlchemyPaginateKeywords()
