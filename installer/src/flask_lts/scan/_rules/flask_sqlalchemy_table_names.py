"""Flask-SQLAlchemy 3.0 derives a model's table name from its class name with a new
CamelCase-to-snake_case converter: for some names (digits, runs of capitals) it gives
another table than 2.x did, and the app no longer finds its existing table. The rule
computes both names; where they differ, `__tablename__` set to the old one keeps the
table."""

from __future__ import annotations

import ast
import re
from typing import Iterator, Tuple

from .._rule import CHANGED, Edit, Hit, Rule, dotted, hit
from .._source import Module

_OLD = re.compile(r"([A-Z]+)(?=[a-z0-9])")


def old_name(name: str) -> str:
    """Flask-SQLAlchemy 2.x's camel_to_snake_case."""

    def join(match: "re.Match[str]") -> str:
        word = match.group()
        if len(word) > 1:
            return f"_{word[:-1]}_{word[-1]}".lower()
        return "_" + word.lower()

    return _OLD.sub(join, name).lstrip("_")


def new_name(name: str) -> str:
    """Flask-SQLAlchemy 3.x's camel_to_snake_case."""
    name = re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name)
    return name.lower().lstrip("_")


OWN_TABLE = ("__tablename__", "__table__", "__abstract__")


class FlaskSQLAlchemyTableNames(Rule):
    id = "flask-sqlalchemy-table-names"
    package = "flask-sqlalchemy"
    since = "3.0.0"
    kind = CHANGED
    summary = "models without __tablename__ may get another table name"
    fixable = True
    triggers = ("Model",)

    def check(self, module: Module) -> Iterator[Hit]:
        for cls in module.classes:
            # Models made straight on db.Model: a subclass of another model may share
            # its parent's table (single-table inheritance), so a name is not added there.
            if not any(dotted(base).endswith("db.Model") or module.qualname(base) == "flask_sqlalchemy.Model"
                       for base in cls.bases):  # fmt: skip
                continue
            if any(isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.FunctionDef)) and _defines(stmt) for stmt in cls.body):
                continue
            old, new = old_name(cls.name), new_name(cls.name)
            if old == new:
                continue
            yield hit(cls, f"model {cls.name}: table {old!r} under Flask-SQLAlchemy 2, {new!r} from 3.0",
                      f'__tablename__ = "{old}" to keep the table', self._insert(module, cls, old))  # fmt: skip

    @staticmethod
    def _insert(module: Module, cls: ast.ClassDef, table: str) -> Tuple[Edit, ...]:
        first = cls.body[0]
        if first.lineno == cls.lineno:
            return ()  # class X(db.Model): ... on one line
        line = module.lines[first.lineno - 1]
        indent = line[: len(line) - len(line.lstrip())]
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            end = module.offset(first.end_lineno, first.end_col_offset)  # type: ignore[arg-type]
            return (Edit(end, end, f'\n{indent}__tablename__ = "{table}"'),)
        start = module.offset(first.lineno, 0)
        return (Edit(start, start, f'{indent}__tablename__ = "{table}"\n'),)


def _defines(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.FunctionDef):
        return stmt.name in OWN_TABLE  # a declared_attr
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]  # type: ignore[attr-defined]
    return any(isinstance(t, ast.Name) and t.id in OWN_TABLE for t in targets)


RULE = FlaskSQLAlchemyTableNames()
