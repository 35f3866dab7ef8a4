"""Flask-Session 0.7 deprecated the filesystem backend (SESSION_TYPE = "filesystem",
FileSystemSessionInterface; it warns): the cachelib backend with a cachelib
FileSystemCache does the same, configured as SESSION_CACHELIB."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import DEPRECATED, Hit, Rule, hit
from .._source import Module

INSTEAD = 'SESSION_TYPE = "cachelib" and SESSION_CACHELIB = FileSystemCache(cache_dir=..., threshold=..., mode=...) (from cachelib.file)'
INTERFACES = ("flask_session.filesystem.FileSystemSessionInterface", "flask_session.filesystem.filesystem.FileSystemSessionInterface")


class FlaskSessionFilesystem(Rule):
    id = "flask-session-filesystem"
    package = "flask-session"
    since = "0.7.0"
    kind = DEPRECATED
    summary = 'SESSION_TYPE = "filesystem" is deprecated: the cachelib backend with a FileSystemCache'
    triggers = ("filesystem", "FileSystemSessionInterface")

    def check(self, module: Module) -> Iterator[Hit]:
        for node in ast.walk(module.tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and _filesystem(node.value):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if (isinstance(target, ast.Name) and target.id == "SESSION_TYPE") or (
                        isinstance(target, ast.Subscript) and _is_key(_slice(target))
                    ):
                        yield hit(node, 'SESSION_TYPE = "filesystem"', INSTEAD)
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values):
                    if key is not None and _is_key(key) and _filesystem(value):
                        yield hit(key, '"SESSION_TYPE": "filesystem"', INSTEAD)
            elif isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == "SESSION_TYPE" and _filesystem(kw.value):
                        yield hit(kw.value, 'SESSION_TYPE="filesystem"', INSTEAD)
        for node, name, stmt in module.references(set(INTERFACES)):
            if getattr(node, "lineno", None) is None:  # an import alias before Python 3.10
                node = stmt  # type: ignore[assignment]
            yield hit(node, name.rsplit(".", 1)[-1], "flask_session.cachelib.CacheLibSessionInterface with a cachelib FileSystemCache")


def _slice(node: ast.Subscript) -> ast.AST:
    return node.slice.value if isinstance(node.slice, getattr(ast, "Index", ())) else node.slice  # type: ignore[attr-defined]


def _is_key(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == "SESSION_TYPE"


def _filesystem(node: object) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() == "filesystem"


RULE = FlaskSessionFilesystem()
