"""Flask-SQLAlchemy 3.0 scopes the session to the app context: db.session, db.engine,
db.create_all() and the like need an active app context even when the app was passed to
SQLAlchemy(app). Under 2.x an extension made with its app worked without one, so scripts,
test set-up and factories that use the db right after making it break.

The rule looks where no app context is pushed for the code: module level (and `if
__name__ == "__main__":`), unittest set-up and tear-down (unless the file's test classes push a context), and a function that makes the
app or the extension itself; in a file whose SQLAlchemy(...) is given the app (the 2.x
style that worked without a context). Views, CLI commands and helpers they call run in a
context and are left alone."""

from __future__ import annotations

import ast
from typing import Iterator, List, Optional

from .._rule import CHANGED, Hit, Rule, dotted, hit, is_db
from .._source import Module

NEEDS_CONTEXT = ("session", "engine", "create_all", "drop_all", "reflect", "engines", "metadata_engine")
PUSHES = ("app_context", "test_request_context", "request_context", "test_client")
EXTENSIONS = ("flask_sqlalchemy.SQLAlchemy",)
TEST_METHODS = ("__init__", "setUp", "setUpClass", "tearDown", "tearDownClass", "asyncSetUp", "asyncTearDown")


class FlaskSQLAlchemyAppContext(Rule):
    id = "flask-sqlalchemy-app-context"
    package = "flask-sqlalchemy"
    since = "3.0.0"
    kind = CHANGED
    summary = "db.session/db.create_all() need an app context even with SQLAlchemy(app)"
    triggers = ("SQLAlchemy",)

    def check(self, module: Module) -> Iterator[Hit]:
        if not any(module.qualname(c.func) in EXTENSIONS and (c.args or any(k.arg == "app" for k in c.keywords))
                   for c in module.calls):  # fmt: skip
            return
        # db.create_all(app=app) is flask-sqlalchemy-app-argument's finding
        with_app = {id(c.func) for c in module.calls if any(k.arg == "app" for k in c.keywords)}
        for body, why in _scopes(module):
            pushed = False
            for stmt in body:
                for node in _walk_outside_contexts(stmt):
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "push":
                        pushed = True  # ctx = app.app_context(); ctx.push()
                    if pushed or not isinstance(node, ast.Attribute) or node.attr not in NEEDS_CONTEXT:
                        continue
                    if not is_db(module, node.value) or id(node) in with_app:
                        continue
                    yield hit(node, f"{dotted(node) or module.segment(node)} {why}, outside an app context",
                              "with app.app_context(): ... around it (or push one in set-up)")  # fmt: skip


def _scopes(module: Module) -> Iterator["tuple[List[ast.stmt], str]"]:
    yield [s for s in module.tree.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))], "at module level"
    # Test classes' set-up and tear-down, unless the class pushes a context in its
    # set-up (its tests and tear-down run in it) or is Flask-Testing's, which pushes one.
    by_name = {cls.name: cls for cls in module.classes}
    methods = set()
    for cls in module.classes:
        methods.update(id(item) for item in cls.body)
        if any("flask_testing" in (module.qualname(b) or "") for b in cls.bases) or _pushes_context(cls):
            continue
        for item in cls.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in TEST_METHODS:
                if item.name.startswith(("tearDown", "asyncTearDown")) and _pushes_in_subclass(cls, by_name):
                    continue
                yield item.body, f"in {cls.name}.{item.name}"
    for func in module.functions:
        if id(func) not in methods and _makes_app(module, func) and not any(_decorator_name(d) for d in func.decorator_list):  # type: ignore[attr-defined]
            yield func.body, f"in {func.name}(), which makes the app"  # type: ignore[attr-defined]


def _pushes_context(cls: ast.ClassDef) -> bool:
    """Whether the class's set-up pushes an app or request context."""
    for item in cls.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in TEST_METHODS and not item.name.startswith(("tearDown", "asyncTearDown")):
            for node in ast.walk(item):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "push":
                    return True
    return False


def _pushes_in_subclass(cls: ast.ClassDef, by_name: "dict[str, ast.ClassDef]") -> bool:
    """Whether a class of the file deriving from `cls` pushes a context in its set-up
    (the base's tear-down then runs in it)."""
    for other in by_name.values():
        if other is not cls and cls.name in {dotted(b).rsplit(".", 1)[-1] for b in other.bases} and _pushes_context(other):
            return True
    return False


def _makes_app(module: Module, func: ast.AST) -> bool:
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and module.qualname(node.func) in ("flask.Flask", *EXTENSIONS):
            return True
    return False


def _decorator_name(node: ast.AST) -> Optional[str]:
    node = node.func if isinstance(node, ast.Call) else node
    return dotted(node) or None


def _walk_outside_contexts(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a statement that run without a context this code pushes: not inside
    `with x.app_context():` (and the like), nested functions, lambdas or classes. In source order."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
        return
    if isinstance(node, (ast.With, ast.AsyncWith)) and any(_pushes(item.context_expr) for item in node.items):
        return
    yield node
    for child in ast.iter_child_nodes(node):
        yield from _walk_outside_contexts(child)


def _pushes(expr: ast.AST) -> bool:
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in PUSHES


RULE = FlaskSQLAlchemyAppContext()
