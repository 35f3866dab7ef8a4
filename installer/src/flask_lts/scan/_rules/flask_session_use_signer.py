"""Flask-Session 0.7 deprecated SESSION_USE_SIGNER (it warns when true): session ids are
256-bit random values since 0.6, so signing them adds nothing."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import DEPRECATED, Hit, Rule, hit
from .._source import Module

KEY = "SESSION_USE_SIGNER"


class FlaskSessionUseSigner(Rule):
    id = "flask-session-use-signer"
    package = "flask-session"
    since = "0.7.0"
    kind = DEPRECATED
    summary = "SESSION_USE_SIGNER is deprecated"
    triggers = (KEY,)

    def check(self, module: Module) -> Iterator[Hit]:
        instead = "drop it (session ids are long random values; the cookie needs no signature)"
        for node in ast.walk(module.tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and _false(node.value):
                continue  # False is the default, and does not warn
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Name) and target.id == KEY:
                        yield hit(node, f"config {KEY} set", instead)
                    elif isinstance(target, ast.Subscript) and _is_key(_slice(target)):
                        yield hit(node, f"config[{KEY!r}] set", instead)
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values):
                    if key is not None and _is_key(key) and not _false(value):
                        yield hit(key, f"config {KEY!r} set", instead)
            elif isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == KEY and not _false(kw.value):
                        yield hit(kw.value, f"config {KEY} set", instead)


def _slice(node: ast.Subscript) -> ast.AST:
    return node.slice.value if isinstance(node.slice, getattr(ast, "Index", ())) else node.slice  # type: ignore[attr-defined]


def _is_key(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == KEY


def _false(node: object) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


RULE = FlaskSessionUseSigner()
