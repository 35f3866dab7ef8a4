"""Werkzeug 2.3: request.get_json()/request.json answer 415 Unsupported Media Type,
not 400, when the Content-Type is not JSON."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module

REQUESTS = ("flask.request", "flask.globals.request")


class WerkzeugGetJSON(Rule):
    id = "werkzeug-get-json-415"
    package = "werkzeug"
    since = "2.3.0"
    kind = CHANGED
    summary = "request.get_json()/request.json fail with 415 instead of 400 on a non-JSON Content-Type"
    triggers = ("get_json", ".json")

    def check(self, module: Module) -> Iterator[Hit]:
        for call in module.calls:
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr == "get_json" and module.qualname(func.value) in REQUESTS:
                # Guarded by request.is_json on this line or just above: the 415 cannot happen.
                guard = "".join(module.lines[max(0, call.lineno - 4):call.lineno])
                if "is_json" in guard:
                    continue
                if not any(kw.arg in ("force", "silent") for kw in call.keywords) and len(call.args) < 1:
                    yield hit(call, "request.get_json() on a non-JSON request (415, was 400)",
                              "get_json(silent=True) and your own error, or expect 415 in tests")  # fmt: skip


RULE = WerkzeugGetJSON()
