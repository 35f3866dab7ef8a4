"""SQLAlchemy 2.0 removed the classical `sqlalchemy.orm.mapper()` function: a call raises
InvalidRequestError ("The 'sqlalchemy.orm.mapper()' function is removed as of SQLAlchemy
2.0"); classes are mapped imperatively with `registry().map_imperatively()`. The name stays
only as a target for mapper-wide event listeners, deprecated there (use `Mapper`)."""

from __future__ import annotations

from typing import Iterator

from .._rule import DEPRECATED, Hit, Rule, hit
from .._source import Module

NAMES = ("sqlalchemy.orm.mapper",)
LISTEN = ("sqlalchemy.event.listen", "sqlalchemy.event.listens_for", "sqlalchemy.event.contains", "sqlalchemy.event.remove")


class SQLAlchemyOrmMapper(Rule):
    id = "sqlalchemy-orm-mapper"
    package = "sqlalchemy"
    since = "2.0.0"
    summary = "sqlalchemy.orm.mapper(Class, table) is gone: registry().map_imperatively(Class, table)"
    triggers = ("mapper",)

    def check(self, module: Module) -> Iterator[Hit]:
        if not module.mentions("sqlalchemy"):
            return
        for call in module.calls:
            name = module.qualname(call.func)
            if name in NAMES:
                yield hit(call, f"{module.segment(call.func)}(...)", "sqlalchemy.orm.registry().map_imperatively(Class, table, ...) (one registry for the classes mapped together)")
            elif name in LISTEN and call.args and module.qualname(call.args[0]) in NAMES:
                target = call.args[0]
                yield hit(target, f"{module.segment(call.func)}({module.segment(target)}, ...): mapper as an event target", "sqlalchemy.orm.Mapper", kind=DEPRECATED)


RULE = SQLAlchemyOrmMapper()
