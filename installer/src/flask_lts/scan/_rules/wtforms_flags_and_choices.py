"""WTForms 3.2 removed tuple `field_flags` (a dict now) and 3-item iter_choices()
(4 items since 3.1: value, label, selected, render_kw)."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Hit, Rule, hit
from .._source import Module


class WTFormsFlagsAndChoices(Rule):
    id = "wtforms-flags-and-choices"
    package = "wtforms"
    deprecated = "3.1.0"
    since = "3.2.0"
    summary = "field_flags must be a dict; iter_choices() yields 4-tuples"
    triggers = ("field_flags", "iter_choices")

    def check(self, module: Module) -> Iterator[Hit]:
        for cls in module.classes:
            for stmt in cls.body:
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, (ast.Tuple, ast.List)) and any(
                    isinstance(t, ast.Name) and t.id == "field_flags" for t in stmt.targets
                ):
                    names = [e.value for e in stmt.value.elts if isinstance(e, ast.Constant)]
                    yield hit(stmt, f"{cls.name}.field_flags = (...)", "{" + ", ".join(f"{n!r}: True" for n in names) + "}")
                elif isinstance(stmt, ast.FunctionDef) and stmt.name == "iter_choices":
                    for node in ast.walk(stmt):
                        if isinstance(node, (ast.Yield, ast.Return)) and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 3:
                            yield hit(node, f"{cls.name}.iter_choices() yields 3-tuples", "(value, label, selected, render_kw)")


RULE = WTFormsFlagsAndChoices()
