"""WTForms 3.2 files form-level errors under "" instead of None."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module


class WTFormsFormErrorKey(Rule):
    id = "wtforms-form-error-key"
    package = "wtforms"
    since = "3.2.0"
    kind = CHANGED
    summary = 'form.errors[None] is form.errors[""]'
    triggers = ("errors",)

    def check(self, module: Module) -> Iterator[Hit]:
        for node in ast.walk(module.tree) if "None" in module.source else ():
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "errors":
                key = node.slice.value if isinstance(node.slice, getattr(ast, "Index", ())) else node.slice  # type: ignore[attr-defined]  # 3.8 wraps it
                if isinstance(key, ast.Constant) and key.value is None:
                    yield hit(node, f"{module.segment(node.value)}[None]", f'{module.segment(node.value)}[""]')
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
                owner = node.func.value
                if isinstance(owner, ast.Attribute) and owner.attr == "errors" and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value is None:
                    yield hit(node, f"{module.segment(owner)}.get(None)", f'{module.segment(owner)}.get("")')


RULE = WTFormsFormErrorKey()
