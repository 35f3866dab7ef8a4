"""Flask-HTTPAuth 4.8.1 renamed MultiAuth.additional_auth to additional_auths and
stops calling verify_token when a request carries no token."""

from __future__ import annotations

from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module


class FlaskHTTPAuthMultiAuth(Rule):
    id = "flask-httpauth-4-8-1"
    package = "flask-httpauth"
    since = "4.8.1"
    kind = CHANGED
    summary = "MultiAuth.additional_auth -> additional_auths; verify_token not called without a token"
    triggers = ("additional_auth", "verify_token")

    def check(self, module: Module) -> Iterator[Hit]:
        if "flask_httpauth" not in module.source and "additional_auth" not in module.source:
            return
        for node in module.attributes.get("additional_auth", ()):
            yield hit(node, module.segment(node), f"{module.segment(node.value)}.additional_auths (renamed)")
        if "HTTPTokenAuth" not in module.source and "MultiAuth" not in module.source:
            return
        for func in module.functions:
            for deco in func.decorator_list:  # type: ignore[attr-defined]
                if module.segment(deco).endswith(".verify_token"):
                    yield hit(func, f"{func.name}() under {module.segment(deco)} is not called for requests without a token",  # type: ignore[attr-defined]
                              "handle anonymous access in the view or an error_handler, not in verify_token")  # fmt: skip


RULE = FlaskHTTPAuthMultiAuth()
