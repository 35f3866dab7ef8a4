"""Flask-Cors 5.0.0 turned `allow_private_network` off by default (CVE-2024-6221,
GHSA-hxwh-jpp2-84pm): the Access-Control-Allow-Private-Network header is no longer sent
unless asked for. Source: flask_cors/core.py DEFAULT_OPTIONS, `allow_private_network=True`
in the 4.0.2 sdist, `False` in 5.0.0 (the 5.0.0 release notes: "private network access
disabled by default"); the sdist's CHANGELOG.md stops at 4.0.1."""

from __future__ import annotations

from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module

INSTEAD = "CORS(app, allow_private_network=True) (or CORS_ALLOW_PRIVATE_NETWORK = True) where private-network access is wanted"


class FlaskCorsPrivateNetwork(Rule):
    id = "flask-cors-private-network"
    package = "flask-cors"
    since = "5.0.0"
    kind = CHANGED
    summary = "allow_private_network defaults to False: no Access-Control-Allow-Private-Network header unless asked"
    triggers = ("Private-Network",)

    def check(self, module: Module) -> Iterator[Hit]:
        # Code that expects the header (a test asserting it, a proxy copying it) without
        # asking for it: with the option set explicitly, nothing changes.
        if "allow_private_network" in module.source or "CORS_ALLOW_PRIVATE_NETWORK" in module.source:
            return
        for value, nodes in module.strings.items():
            if value.lower() == "access-control-allow-private-network":
                for node in nodes:
                    yield hit(node, "Access-Control-Allow-Private-Network expected without allow_private_network=True", INSTEAD)


RULE = FlaskCorsPrivateNetwork()
