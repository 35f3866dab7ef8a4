"""Flask-Limiter 3.0 made every argument of limiter.limit() after the limit, and of
limiter.shared_limit() after the limit and the scope, keyword-only: a key function or
anything else passed by position raises TypeError where the route is decorated."""

from __future__ import annotations

import ast
from typing import Iterator, List

from .._rule import Edit, Hit, Rule, hit
from .._source import Module

LIMITERS = ("flask_limiter.Limiter", "flask_limiter.extension.Limiter")
# Flask-Limiter 1.x and 2.x, in order, after limit_value (and scope for shared_limit).
KEYWORDS = ("key_func", "per_method", "methods", "error_message", "exempt_when", "override_defaults", "deduct_when", "on_breach", "cost")
POSITIONAL = {"limit": ("limit_value",), "shared_limit": ("limit_value", "scope")}


def is_limiter(module: Module, node: ast.AST) -> bool:
    """A Flask-Limiter object: made by Limiter() here, or named `limiter` in a Flask file
    (slowapi, for FastAPI, has a Limiter with the old signature)."""
    if isinstance(node, ast.Name) and node.id in module.instances:
        return module.instances[node.id] in LIMITERS
    if module.is_instance_of(node, *LIMITERS):
        return True
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name == "limiter" and not module.mentions("slowapi", "fastapi")


class FlaskLimiterDecoratorArguments(Rule):
    id = "flask-limiter-decorator-arguments"
    package = "flask-limiter"
    since = "3.0.0"
    summary = "limiter.limit() / shared_limit(): key_func and the rest are keyword-only"
    fixable = True
    triggers = ("limit",)

    def check(self, module: Module) -> Iterator[Hit]:
        for call in module.calls:
            func = call.func
            if not (isinstance(func, ast.Attribute) and func.attr in POSITIONAL and is_limiter(module, func.value)):
                continue
            keep = len(POSITIONAL[func.attr])
            extra = call.args[keep:]
            if not extra:
                continue
            names = KEYWORDS[:len(extra)]
            written = ", ".join(f"{name}={module.segment(arg)}" for name, arg in zip(names, extra))
            edits: List[Edit] = []
            given = {kw.arg for kw in call.keywords}
            if len(extra) <= len(KEYWORDS) and not any(isinstance(a, ast.Starred) for a in call.args) and not given & set(names):
                edits = [Edit(start, start, f"{name}=") for name, (start, _) in zip(names, (module.span(a) for a in extra))]
            yield hit(call, f"{module.segment(func)}() with {len(extra)} argument(s) after {' and '.join(POSITIONAL[func.attr])} by position",
                      f"{module.segment(func)}(..., {written})", edits)  # fmt: skip


RULE = FlaskLimiterDecoratorArguments()
