"""Flask 2.3 removed the JSON config keys (deprecated in 2.2): the JSON provider's
attributes replace them."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Hit, Rule, hit
from .._source import Module

KEYS = {
    "JSON_AS_ASCII": "app.json.ensure_ascii = ...",
    "JSON_SORT_KEYS": "app.json.sort_keys = ...",
    "JSONIFY_MIMETYPE": "app.json.mimetype = ...",
    "JSONIFY_PRETTYPRINT_REGULAR": "app.json.compact = ... (False pretty-prints)",
}


class FlaskJSONConfigKeys(Rule):
    id = "flask-json-config-keys"
    package = "flask"
    since = "2.3.0"
    summary = "JSON_AS_ASCII, JSON_SORT_KEYS, JSONIFY_MIMETYPE, JSONIFY_PRETTYPRINT_REGULAR are ignored"
    kind = "changed"
    triggers = tuple(KEYS)

    def check(self, module: Module) -> Iterator[Hit]:
        for key, instead in KEYS.items():
            for node in module.strings.get(key, ()):
                yield hit(node, f"config {key!r} (now ignored)", instead)
            for node in module.names.get(key, ()):
                if isinstance(node.ctx, ast.Store):
                    yield hit(node, f"config {key} (now ignored)", instead)


RULE = FlaskJSONConfigKeys()
