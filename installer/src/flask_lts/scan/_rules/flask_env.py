"""Flask 2.3 removed the FLASK_ENV environment variable, the ENV config key and
`app.env` (deprecated in 2.2)."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Hit, Rule, hit, is_app
from .._source import Module


class FlaskEnv(Rule):
    id = "flask-env"
    package = "flask"
    since = "2.3.0"
    summary = "FLASK_ENV, the ENV config key and app.env are gone"
    triggers = ("ENV", "env")

    def check(self, module: Module) -> Iterator[Hit]:
        for node in module.strings.get("FLASK_ENV", ()):
            yield hit(node, '"FLASK_ENV"', "FLASK_DEBUG=1 (or flask run --debug) for the debugger and reloader")
        for node in module.strings.get("ENV", ()):
            yield hit(node, 'config "ENV"', "app.debug / app.config['DEBUG'], or your own setting")
        for node in module.attributes.get("env", ()):
            if is_app(module, node.value):
                yield hit(node, module.segment(node), "app.debug, or your own setting")
        for cls in module.classes:
            if "config" in cls.name.lower():
                for stmt in cls.body:
                    if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "ENV" for t in stmt.targets):
                        yield hit(stmt, f"{cls.name}.ENV", "DEBUG, or your own setting")


RULE = FlaskEnv()
