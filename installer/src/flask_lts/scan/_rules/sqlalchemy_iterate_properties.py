"""SQLAlchemy 2.0.2's `Mapper.iterate_properties` no longer configures the mappers first (1.4's
called `_check_configure()`): before anything else configures them, a relationship comes out
unconfigured, without `direction`, `mapper` or `local_remote_pairs`. Code that inspects models
this way (form generators: WTForms-SQLAlchemy 0.3's `model_form`, Flask-Admin 1.6's converters)
silently skips relationships. `mapper.attrs` configures first, as does
`sqlalchemy.orm.configure_mappers()`."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, dotted, hit
from .._source import Module


class SQLAlchemyIterateProperties(Rule):
    id = "sqlalchemy-iterate-properties"
    package = "sqlalchemy"
    since = "2.0.2"
    kind = CHANGED
    summary = "mapper.iterate_properties no longer configures mappers: relationships come out without direction"
    triggers = ("iterate_properties",)

    def check(self, module: Module) -> Iterator[Hit]:
        if any(isinstance(c.func, (ast.Name, ast.Attribute)) and dotted(c.func).endswith("configure_mappers") for c in module.calls):
            return  # the file configures the mappers itself
        for node in module.attributes.get("iterate_properties", ()):
            yield hit(node, f"{module.segment(node)} (no longer configures the mappers)",
                      "mapper.attrs, which configures them first (or call sqlalchemy.orm.configure_mappers() before)")  # fmt: skip


RULE = SQLAlchemyIterateProperties()
