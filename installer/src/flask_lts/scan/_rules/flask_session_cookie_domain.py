"""Flask 2.3: SESSION_COOKIE_DOMAIN no longer falls back to SERVER_NAME. An app that sets
SERVER_NAME and relies on the session cookie reaching its subdomains gets a host-only
cookie unless it sets SESSION_COOKIE_DOMAIN itself."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, config_key, fixture_lines, hit, is_test_file
from .._source import Module


class FlaskSessionCookieDomain(Rule):
    id = "flask-session-cookie-domain"
    package = "flask"
    since = "2.3.0"
    kind = CHANGED
    summary = "SESSION_COOKIE_DOMAIN no longer falls back to SERVER_NAME"
    triggers = ("SERVER_NAME",)

    def check(self, module: Module) -> Iterator[Hit]:
        # Where an app sets SERVER_NAME (not its tests or pytest fixtures, which set it to
        # build URLs) and this file does not set SESSION_COOKIE_DOMAIN.
        if is_test_file(module) or "SESSION_COOKIE_DOMAIN" in module.source:
            return
        fixtures = fixture_lines(module)
        for node in ast.walk(module.tree):
            if any(a <= getattr(node, "lineno", 0) <= b for a, b in fixtures):
                continue
            if isinstance(node, ast.Assign) and any(_names_server_name(t) for t in node.targets):
                yield hit(node, "SERVER_NAME set: the session cookie is no longer scoped to its domain",
                          'SESSION_COOKIE_DOMAIN = ".example.com" (the domain the cookie must reach), or leave it host-only')  # fmt: skip
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update":
                if any(kw.arg == "SERVER_NAME" for kw in node.keywords):
                    yield hit(node, "SERVER_NAME set: the session cookie is no longer scoped to its domain",
                              'SESSION_COOKIE_DOMAIN=".example.com" beside it, or leave the cookie host-only')  # fmt: skip


def _names_server_name(target: ast.AST) -> bool:
    if isinstance(target, ast.Name):
        return target.id == "SERVER_NAME"
    return config_key(target) == "SERVER_NAME"


RULE = FlaskSessionCookieDomain()
