"""Werkzeug 2.3 deprecated the test client's `server_name` first argument to
set_cookie/delete_cookie and its `cookie_jar`; 3.0 removed them."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Hit, Rule, hit, is_client
from .._source import Module


class WerkzeugTestClientCookies(Rule):
    id = "werkzeug-test-client-cookies"
    package = "werkzeug"
    deprecated = "2.3.0"
    since = "3.0.0"
    summary = "client.set_cookie(server_name, key, value) and client.cookie_jar are gone"
    triggers = ("set_cookie", "delete_cookie", "cookie_jar")

    def check(self, module: Module) -> Iterator[Hit]:
        for call in module.calls:
            func = call.func
            if not (isinstance(func, ast.Attribute) and func.attr in ("set_cookie", "delete_cookie")):
                continue
            if not is_client(module, func.value):
                continue
            least = 3 if func.attr == "set_cookie" else 2
            if len(call.args) >= least or (func.attr == "set_cookie" and len(call.args) == 2 and _looks_like_host(call.args[0])):
                yield hit(call, f"{module.segment(func)}(server_name, key, ...)",
                          f"{func.attr}(key, value, domain=server_name)")  # fmt: skip
        for node in module.attributes.get("cookie_jar", ()):
            if is_client(module, node.value):
                yield hit(node, module.segment(node), "client.get_cookie(key) / client.set_cookie / client.delete_cookie")


def _looks_like_host(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in ("localhost", "127.0.0.1") or (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value and " " not in node.value
    )


RULE = WerkzeugTestClientCookies()
