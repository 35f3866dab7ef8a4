"""Flask-Cors 6.0.0 changed how `resources` patterns match request paths (CVE-2024-6839,
CVE-2024-6844, CVE-2024-6866): paths match case-sensitively, `+` in a path is no longer
read as a space (unquote instead of unquote_plus), and patterns are tried most specific
first (literal paths, then by depth), not longest first. Source: the 6.0.0 release notes
("Breaking change: path specificity ordering has changed"; PRs #388-#390) and
flask_cors/core.py parse_resources/try_match_pattern, 5.0.1 -> 6.0.0 sdists."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, dotted, hit
from .._source import Module

CALLS = ("CORS", "cross_origin")


class FlaskCorsResourceMatching(Rule):
    id = "flask-cors-resource-matching"
    package = "flask-cors"
    since = "6.0.0"
    kind = CHANGED
    summary = "resources patterns match paths case-sensitively, '+' is not a space, most specific pattern first"
    triggers = ("resources", "CORS_RESOURCES")

    def check(self, module: Module) -> Iterator[Hit]:
        if "flask_cors" not in module.source and "CORS_RESOURCES" not in module.source:
            return
        for call in module.calls:
            name = dotted(call.func).split(".")[-1]
            if name not in CALLS:
                continue
            for keyword in call.keywords:
                if keyword.arg == "resources" and isinstance(keyword.value, ast.Dict):
                    yield from self._patterns(keyword.value)
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                if any(isinstance(t, ast.Name) and t.id == "CORS_RESOURCES" for t in node.targets):
                    yield from self._patterns(node.value)

    def _patterns(self, mapping: ast.Dict) -> Iterator[Hit]:
        keys = [k.value for k in mapping.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        reasons = []
        if len(keys) > 1:
            reasons.append(f"{len(keys)} patterns: tried most specific first now, not longest first")
        if any(k != k.lower() for k in keys):
            reasons.append("upper-case letters: matched case-sensitively now")
        if any("+" in k for k in keys):
            reasons.append("'+' in a pattern: request paths keep '+' now")
        if reasons:
            yield hit(mapping, "CORS resources " + "; ".join(reasons),
                      "check which pattern each route matches under Flask-Cors 6 (a test per protected path)")  # fmt: skip


RULE = FlaskCorsResourceMatching()
