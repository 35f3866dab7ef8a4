"""Flask 3.1: setting SERVER_NAME no longer restricts requests to that host (unless
host_matching/subdomain_matching); TRUSTED_HOSTS does that now."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, config_key, fixture_lines, hit, is_test_file
from .._source import Module


class FlaskServerName(Rule):
    id = "flask-server-name"
    package = "flask"
    since = "3.1.0"
    kind = CHANGED
    summary = "SERVER_NAME no longer restricts which hosts are served"
    triggers = ("SERVER_NAME",)

    def check(self, module: Module) -> Iterator[Hit]:
        # Only where an app sets it outside its tests and pytest fixtures: they set SERVER_NAME to build
        # URLs, which works as before; reading it is harmless.
        if is_test_file(module):
            return
        fixtures = fixture_lines(module)
        instead = "TRUSTED_HOSTS = [...] to refuse other hosts; SERVER_NAME only builds external URLs now"
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Assign) and not any(a <= node.lineno <= b for a, b in fixtures):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == "SERVER_NAME":
                        yield hit(node, "config SERVER_NAME set", instead)
                    elif config_key(target) == "SERVER_NAME":
                        yield hit(node, 'config["SERVER_NAME"] set', instead)


RULE = FlaskServerName()
