"""flask-restx 1.3.2 moved from jsonschema's RefResolver to the `referencing` library and
from pytz to the standard library: `api.refresolver` is a referencing.Registry (not a
jsonschema.RefResolver), and the dates `flask_restx.inputs` parses carry
datetime.timezone.utc, not pytz.UTC (pytz is no longer a dependency). Source: the 1.3.2
release's commits "Move from jsonschema.RefResolver to the new referencing library.
(#639)" and "Replace pytz with zoneinfo / datetime.timezone (#622)" (git log
1.3.0..1.3.2; the CHANGELOG.rst of the 1.3.2 sdist has no entry of its own)."""

from __future__ import annotations

from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module


class FlaskRestxRefresolver(Rule):
    id = "flask-restx-refresolver"
    package = "flask-restx"
    since = "1.3.2"
    kind = CHANGED
    summary = "api.refresolver is a referencing.Registry; inputs dates use datetime.timezone.utc, not pytz"
    triggers = ("refresolver", "pytz")

    def check(self, module: Module) -> Iterator[Hit]:
        if "flask_restx" not in module.source:
            return
        for node in module.attributes.get("refresolver", ()):
            yield hit(node, f"{module.segment(node)} (a referencing.Registry now, not a jsonschema RefResolver)",
                      "jsonschema validators take registry=api.refresolver")  # fmt: skip
        if "inputs" not in module.source:
            return
        for stmt in module.import_stmts:
            if any(alias.name == "pytz" for alias in stmt.names):
                yield hit(stmt, "pytz beside flask_restx.inputs (which returns datetime.timezone.utc now, and no longer installs pytz)",
                          "datetime.timezone.utc; install pytz yourself if you still need it")  # fmt: skip


RULE = FlaskRestxRefresolver()
