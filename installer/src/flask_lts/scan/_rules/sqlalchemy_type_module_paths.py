"""SQLAlchemy 2.0 moved PostgreSQL's types out of `sqlalchemy.dialects.postgresql.base`
(INET, CIDR, MACADDR, TSVECTOR ... to `dialects.postgresql.types`, ENUM to `named_types`,
UUID and DOUBLE_PRECISION to the generic `sqlalchemy.types`). Importing them works as before;
what changes is the class's module, so code that looks a type up by its dotted path, as
converter tables do (`@converts("dialects.postgresql.base.INET")` in WTForms-SQLAlchemy 0.3 and
Flask-Admin 1.6), no longer finds it."""

from __future__ import annotations

import re
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module

MOVED = {
    **{name: "sqlalchemy.dialects.postgresql.types" for name in (
        "BIT", "BYTEA", "CIDR", "INET", "INTERVAL", "MACADDR", "MACADDR8", "MONEY", "OID", "REGCLASS", "TIME", "TIMESTAMP", "TSVECTOR",
    )},
    "ENUM": "sqlalchemy.dialects.postgresql.named_types",
    "UUID": "sqlalchemy.sql.sqltypes",
    "DOUBLE_PRECISION": "sqlalchemy.sql.sqltypes",
}  # fmt: skip
_PATH = re.compile(r"^(sqlalchemy\.)?dialects\.postgresql\.base\.([A-Z_0-9]+)$")


class SQLAlchemyTypeModulePaths(Rule):
    id = "sqlalchemy-type-module-paths"
    package = "sqlalchemy"
    since = "2.0.0"
    kind = CHANGED
    summary = "'dialects.postgresql.base.INET' and other PostgreSQL type paths: the types live in other modules"
    triggers = ("postgresql.base.",)

    def check(self, module: Module) -> Iterator[Hit]:
        for text, nodes in module.strings.items():
            match = _PATH.match(text)
            if not match or match.group(2) not in MOVED:
                continue
            new = f"{MOVED[match.group(2)]}.{match.group(2)}"
            for node in nodes:
                yield hit(node, f"{text!r}: the type's module in SQLAlchemy 1.4", f"{new!r} (or match the class, not its path)")


RULE = SQLAlchemyTypeModulePaths()
