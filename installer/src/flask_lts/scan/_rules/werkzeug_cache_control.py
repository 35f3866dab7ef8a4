"""Werkzeug 3.1 changed what the properties of request.cache_control and
response.cache_control return: values are str or None, max_age is None when given
without a value, no_cache on requests and no_transform are booleans, max_stale and
private are True when given without a value, min_fresh None."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module

PROPERTIES = {
    "max_age": "None when the header has max-age without a value (was -1)",
    "no_cache": "True on a request when present (was '*'); still a string on a response",
    "max_stale": "True when present without a value (was '*')",
    "min_fresh": "None when present without a value (was '*')",
    "private": "True when present without a value (was '*')",
    "no_transform": "a bool (was always None)",
    "s_maxage": "None when its value is not a number (was the string)",
}


class WerkzeugCacheControl(Rule):
    id = "werkzeug-cache-control"
    package = "werkzeug"
    since = "3.1.0"
    kind = CHANGED
    summary = "cache_control properties return other types"
    triggers = ("cache_control",)

    def check(self, module: Module) -> Iterator[Hit]:
        for name, changed in PROPERTIES.items():
            for node in module.attributes.get(name, ()):
                owner = node.value
                if not (isinstance(owner, ast.Attribute) and owner.attr == "cache_control"):
                    continue
                if not isinstance(node.ctx, ast.Load):
                    continue  # setting a property: a string is written either way
                yield hit(node, f"{module.segment(node)}: {changed}",
                          "compare with None/True, not -1 or '*'; values are str | None")  # fmt: skip


RULE = WerkzeugCacheControl()
