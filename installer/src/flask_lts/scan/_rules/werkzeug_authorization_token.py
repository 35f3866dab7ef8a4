"""Werkzeug 2.3.0 refactored `Authorization`: it is no longer a dict, it has `type`,
`parameters` and `token`, and request.authorization now parses token schemes (Bearer)
itself, keeping the token in `.token`, not under a "token" key. Code that builds
`Authorization(scheme, {"token": ...})` or reads `auth["token"]` from
request.authorization no longer finds the token (Flask-HTTPAuth 4.7's token auth).
Source: CHANGES.rst, Version 2.3.0: "Refactor the ``Authorization`` and
``WWWAuthenticate`` header data structures. :issue:`1769`, :pr:`2619`" ("Both classes
have type, parameters, and token attributes ... Neither class is a dict anymore")."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module

INSTEAD = "Authorization(scheme, token=...) and auth.token (Werkzeug >= 2.3)"


def _is_token_key(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == "token"


class WerkzeugAuthorizationToken(Rule):
    id = "werkzeug-authorization-token"
    package = "werkzeug"
    since = "2.3.0"
    kind = CHANGED
    summary = 'Authorization is not a dict: a Bearer token is auth.token, not auth["token"]'
    triggers = ("Authorization", "authorization")

    def check(self, module: Module) -> Iterator[Hit]:
        if "token" not in module.source:
            return
        for call in module.calls:
            if module.qualname(call.func) != "werkzeug.datastructures.Authorization":
                continue
            data = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "data"), None)
            if isinstance(data, ast.Dict) and any(_is_token_key(k) for k in data.keys if k is not None):
                yield hit(call, 'Authorization(scheme, {"token": ...})', INSTEAD)
        if "request.authorization" not in module.source:
            return
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and "auth" in node.value.id:
                key = node.slice.value if isinstance(node.slice, getattr(ast, "Index", ())) else node.slice  # type: ignore[attr-defined]
                if _is_token_key(key):
                    yield hit(node, f'{node.value.id}["token"] on an Authorization', INSTEAD)


RULE = WerkzeugAuthorizationToken()
