"""Flask 3.1: setting SERVER_NAME no longer restricts requests to that host (unless
host_matching/subdomain_matching); TRUSTED_HOSTS does that now."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module


class FlaskServerName(Rule):
    id = "flask-server-name"
    package = "flask"
    since = "3.1.0"
    kind = CHANGED
    summary = "SERVER_NAME no longer restricts which hosts are served"
    triggers = ("SERVER_NAME",)

    def check(self, module: Module) -> Iterator[Hit]:
        instead = "TRUSTED_HOSTS = [...] to refuse other hosts; SERVER_NAME only builds external URLs now"
        for node in module.strings.get("SERVER_NAME", ()):
            yield hit(node, 'config "SERVER_NAME"', instead)
        for node in module.names.get("SERVER_NAME", ()):
            if isinstance(node.ctx, ast.Store):
                yield hit(node, "config SERVER_NAME", instead)


RULE = FlaskServerName()
