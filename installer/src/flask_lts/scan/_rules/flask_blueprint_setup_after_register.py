"""Flask 2.3: calling a setup method (route, before_request, errorhandler ...) on a
blueprint after it was registered on an app raises instead of warning, because the
change would not reach the app."""

from __future__ import annotations

import ast
from typing import Dict, Iterator, List

from .._rule import Hit, Rule, dotted, hit
from .._source import Module

SETUP = {
    "add_app_template_filter", "add_app_template_global", "add_app_template_test", "add_url_rule",
    "after_app_request", "after_request", "app_context_processor", "app_errorhandler", "app_template_filter",
    "app_template_global", "app_template_test", "app_url_defaults", "app_url_value_preprocessor",
    "before_app_request", "before_request", "context_processor", "delete", "endpoint", "errorhandler", "get",
    "patch", "post", "put", "record", "record_once", "register_blueprint", "register_error_handler", "route",
    "teardown_app_request", "teardown_request", "url_defaults", "url_value_preprocessor",
}  # fmt: skip


class FlaskBlueprintSetupAfterRegister(Rule):
    id = "flask-blueprint-setup-after-register"
    package = "flask"
    since = "2.3.0"
    summary = "setting up a blueprint after registering it raises"
    triggers = ("register_blueprint",)

    def check(self, module: Module) -> Iterator[Hit]:
        # One scope at a time (the module, each function), in the order its statements
        # run: a blueprint registered by name, then set up by that name.
        scopes: List[List[ast.stmt]] = [module.tree.body] + [f.body for f in module.functions]  # type: ignore[attr-defined]
        for body in scopes:
            registered: Dict[str, int] = {}  # blueprint name -> line registered
            for stmt in _flat(body):
                nodes = list(_own_nodes(stmt))
                called = {id(node.func) for node in nodes if isinstance(node, ast.Call)}
                for node in nodes:
                    # bp.route(...)(f), @bp.route(...), and @bp.before_request (no call)
                    attr = node.func if isinstance(node, ast.Call) else node
                    if not isinstance(attr, ast.Attribute) or (node is attr and id(attr) in called):
                        continue
                    name = dotted(attr.value)
                    if attr.attr == "register_blueprint" and isinstance(node, ast.Call) and node.args:
                        bp = dotted(node.args[0])
                        if bp:
                            registered.setdefault(bp, node.lineno)
                    elif attr.attr in SETUP and name in registered and node.lineno > registered[name]:
                        yield hit(node, f"{name}.{attr.attr} after {name} was registered (line {registered[name]})",
                                  f"set up {name} before app.register_blueprint({name})")  # fmt: skip


def _flat(body: List[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a body in order, into if/with/try/for blocks, not into nested
    functions or classes (their code runs when they are called)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            yield from _flat(getattr(stmt, field, []) or [])
        for handler in getattr(stmt, "handlers", []) or []:
            yield from _flat(handler.body)


def _own_nodes(stmt: ast.stmt) -> Iterator[ast.AST]:
    """The nodes a statement evaluates itself: for a def or class, its decorators (they run
    where it is defined); for others, the statement minus nested blocks."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        for decorator in stmt.decorator_list:
            yield from ast.walk(decorator)
        return
    for field, value in ast.iter_fields(stmt):
        if field in ("body", "orelse", "finalbody", "handlers"):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ast.AST):
                yield from ast.walk(item)


RULE = FlaskBlueprintSetupAfterRegister()
