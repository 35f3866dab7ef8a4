"""flask-smorest 0.42.0 keeps each Api under its config prefix: the Api object is at
app.extensions["flask-smorest"]["apis"][config_prefix]["ext_obj"], no longer at
app.extensions["flask-smorest"]["ext_obj"]. Source: CHANGELOG.rst, 0.42.0:
"*Backwards-incompatible*: Support multiple APIs in a single application via ``Api``
param ``config_prefix`` ... (:pr:`485`)"."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Hit, Rule, hit
from .._source import Module


def _key(node: ast.Subscript) -> object:
    key = node.slice.value if isinstance(node.slice, getattr(ast, "Index", ())) else node.slice  # type: ignore[attr-defined]
    return key.value if isinstance(key, ast.Constant) else None


class FlaskSmorestApiRegistry(Rule):
    id = "flask-smorest-api-registry"
    package = "flask-smorest"
    since = "0.42.0"
    summary = 'app.extensions["flask-smorest"]["ext_obj"] is ["apis"][config_prefix]["ext_obj"]'
    triggers = ("flask-smorest",)

    def check(self, module: Module) -> Iterator[Hit]:
        for node in ast.walk(module.tree):
            if (isinstance(node, ast.Subscript) and _key(node) == "ext_obj" and isinstance(node.value, ast.Subscript)
                    and _key(node.value) == "flask-smorest"):  # fmt: skip
                yield hit(node, 'extensions["flask-smorest"]["ext_obj"]', 'extensions["flask-smorest"]["apis"][""]["ext_obj"] (the default prefix)')


RULE = FlaskSmorestApiRegistry()
