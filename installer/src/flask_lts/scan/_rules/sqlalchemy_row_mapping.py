"""SQLAlchemy 2.0's Row is a named tuple without mapping behaviour: row["name"] raises
TypeError (1.4's LegacyRow allowed it). Only rows that provably come from a SQLAlchemy
result in the same function are reported, so dicts, sqlite3 and DB-API cursor rows are
left alone; the fix (row._mapping["name"], which 1.4 has too) is written only where the
statement or the receiver leaves no doubt that the row is SQLAlchemy's."""

from __future__ import annotations

import ast
from typing import Dict, Iterator, List, Optional, Tuple

from .._rule import Edit, Hit, Rule, dotted, hit, is_db
from .._source import Module

ONE = {"fetchone", "first", "one", "one_or_none"}
MANY = {"fetchall", "all", "fetchmany"}
STATEMENTS = {
    f"{module}.{name}"
    for module in ("sqlalchemy", "sqlalchemy.sql", "sqlalchemy.sql.expression", "sqlalchemy.future")
    for name in ("text", "select", "insert", "update", "delete")
}
NOT_SQLALCHEMY = ("cursor", "cur", "c")
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)

Kind = Tuple[str, bool]  # ("result" | "rows" | "row" | "connection", sure)


class SQLAlchemyRowMapping(Rule):
    id = "sqlalchemy-row-mapping"
    package = "sqlalchemy"
    since = "2.0.0"
    summary = 'row["name"] on a result row is gone: row._mapping["name"] or row.name'
    fixable = True
    triggers = ("execute",)

    def check(self, module: Module) -> Iterator[Hit]:
        if not module.mentions("sqlalchemy"):
            return
        for scope in [module.tree, *module.functions]:
            nodes = list(_own_nodes(scope))
            kinds = _bind(module, nodes)
            for node in nodes:
                if not (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load)):
                    continue
                key = _slice(node)
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    continue
                kind = _kind(module, node.value, kinds)
                if kind is None or kind[0] != "row":
                    continue
                row = module.segment(node.value)
                end = module.span(node.value)[1]
                edits = (Edit(end, end, "._mapping"),) if kind[1] else ()
                yield hit(node, f"{row if len(row) < 40 else 'row'}[{key.value!r}] on a result row",
                          f"{row if len(row) < 40 else 'row'}._mapping[{key.value!r}] (or .{key.value})", edits)  # fmt: skip


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a module or function, not those of the functions and classes in it."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, SCOPES):
            stack.extend(ast.iter_child_nodes(node))


def _bind(module: Module, nodes: List[ast.AST]) -> Dict[str, Kind]:
    """What each local name holds, where every binding of it agrees (a result, its rows,
    one row, a connection); a name bound to anything else, or differently, holds nothing known."""
    bindings: List[Tuple[str, Optional[ast.AST], str]] = []  # (name, value, how it is bound)
    for node in nodes:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                _targets(target, node.value, "=", bindings)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            _targets(node.target, node.value if isinstance(node, ast.AnnAssign) else None, "=", bindings)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            _targets(node.target, node.iter, "in", bindings)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    _targets(item.optional_vars, item.context_expr, "as", bindings)
        elif isinstance(node, ast.arguments):
            for arg in node.posonlyargs + node.args + node.kwonlyargs + [a for a in (node.vararg, node.kwarg) if a]:
                bindings.append((arg.arg, None, "="))
    kinds: Dict[str, Kind] = {}
    for _ in range(4):  # a result bound from a connection bound from an engine ...
        found: Dict[str, Optional[Kind]] = {}
        for name, value, how in bindings:
            kind = None if value is None else _kind(module, value, kinds)
            if kind is not None and how == "in":
                kind = ("row", kind[1]) if kind[0] in ("result", "rows") else None
            elif kind is not None and how == "as":
                kind = kind if kind[0] == "connection" else None
            if name in found and found[name] != kind:
                kind = None
            found[name] = kind
        kinds = {name: kind for name, kind in found.items() if kind is not None}
    return kinds


def _targets(target: ast.AST, value: Optional[ast.AST], how: str, bindings: list) -> None:
    if isinstance(target, ast.Name):
        bindings.append((target.id, value, how))
    else:  # unpacking, attributes: the names in it hold nothing known
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                bindings.append((node.id, None, how))


def _kind(module: Module, node: ast.AST, kinds: Dict[str, Kind]) -> Optional[Kind]:
    if isinstance(node, ast.Name):
        return kinds.get(node.id)
    if isinstance(node, ast.Subscript) and isinstance(_slice(node), ast.Constant) and isinstance(_slice(node).value, int):  # type: ignore[attr-defined]
        inner = _kind(module, node.value, kinds)
        return ("row", inner[1]) if inner and inner[0] == "rows" else None
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    method, receiver = node.func.attr, node.func.value
    if method == "execute":
        return _execute(module, node, kinds)
    if method in ("connect", "begin") and _engine(module, receiver):
        return ("connection", module.instances.get(dotted(receiver)) == "sqlalchemy.create_engine")
    inner = _kind(module, receiver, kinds)
    if inner is None or inner[0] != "result":
        return None
    if method in ONE:
        return ("row", inner[1])
    if method in MANY:
        return ("rows", inner[1])
    return None


def _execute(module: Module, call: ast.Call, kinds: Dict[str, Kind]) -> Optional[Kind]:
    """A SQLAlchemy result, and whether that is certain: a statement made by sqlalchemy's
    text()/select() ..., db.session or a connection of an engine made here; or likely:
    an engine, a session or a connection by name in a file that imports SQLAlchemy."""
    receiver = call.func.value  # type: ignore[attr-defined]
    last = dotted(receiver).rsplit(".", 1)[-1]
    if last in NOT_SQLALCHEMY or "cursor" in last.lower():
        return None
    statement = call.args[0] if call.args else None
    if isinstance(statement, ast.Call) and module.qualname(statement.func) in STATEMENTS:
        return ("result", True)
    if isinstance(receiver, ast.Attribute) and receiver.attr == "session" and is_db(module, receiver.value):
        return ("result", module.is_instance_of(receiver.value, "flask_sqlalchemy.SQLAlchemy"))
    known = _kind(module, receiver, kinds)
    if known is not None and known[0] == "connection":
        return ("result", known[1])
    if _engine(module, receiver) or last.lower() in ("session", "db_session"):
        return ("result", False)
    return None


def _engine(module: Module, node: ast.AST) -> bool:
    name = dotted(node).rsplit(".", 1)[-1].lower()
    return name == "engine" or name.endswith("_engine") or module.instances.get(dotted(node)) == "sqlalchemy.create_engine"


def _slice(node: ast.Subscript) -> ast.AST:
    return node.slice.value if isinstance(node.slice, getattr(ast, "Index", ())) else node.slice  # type: ignore[attr-defined]


RULE = SQLAlchemyRowMapping()
