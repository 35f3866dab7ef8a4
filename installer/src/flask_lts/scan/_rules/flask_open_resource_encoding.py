"""Flask 3.1: open_resource and open_instance_resource open text files as UTF-8 by
default (their new `encoding` parameter), where they used the locale's encoding."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module

METHODS = ("open_resource", "open_instance_resource")


class FlaskOpenResourceEncoding(Rule):
    id = "flask-open-resource-encoding"
    package = "flask"
    since = "3.1.0"
    kind = CHANGED
    summary = "open_resource in text mode reads UTF-8, not the locale's encoding"
    triggers = METHODS

    def check(self, module: Module) -> Iterator[Hit]:
        for call in module.calls:
            func = call.func
            if not (isinstance(func, ast.Attribute) and func.attr in METHODS):
                continue
            keywords = {kw.arg: kw.value for kw in call.keywords if kw.arg}
            mode = call.args[1] if len(call.args) > 1 else keywords.get("mode")
            if mode is None or "encoding" in keywords or len(call.args) > 2:
                continue  # binary by default, or the encoding is given
            if not (isinstance(mode, ast.Constant) and isinstance(mode.value, str)) or "b" in mode.value:
                continue
            yield hit(call, f"{func.attr}(..., {mode.value!r}) reads UTF-8 now",
                      f'{func.attr}(..., {mode.value!r}, encoding="utf-8") if the file is UTF-8, or the encoding it is in')  # fmt: skip


RULE = FlaskOpenResourceEncoding()
