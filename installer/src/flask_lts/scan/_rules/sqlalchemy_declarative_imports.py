"""SQLAlchemy 2.0 moved the declarative API from sqlalchemy.ext.declarative into
sqlalchemy.orm (the old names warn, MovedIn20Warning)."""

from __future__ import annotations

from .._rule import DEPRECATED, Moved, MovedNames

MOVED = ("declarative_base", "declared_attr", "as_declarative", "has_inherited_table", "synonym_for")


class SQLAlchemyDeclarativeImports(MovedNames):
    id = "sqlalchemy-declarative-imports"
    package = "sqlalchemy"
    since = "2.0.0"
    kind = DEPRECATED
    summary = "sqlalchemy.ext.declarative.declarative_base & co. live in sqlalchemy.orm"
    fixable = True
    names = {f"sqlalchemy.ext.declarative.{name}": Moved(f"sqlalchemy.orm.{name}") for name in MOVED}


RULE = SQLAlchemyDeclarativeImports()
