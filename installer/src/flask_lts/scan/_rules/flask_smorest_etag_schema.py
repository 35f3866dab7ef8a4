"""flask-smorest 0.40.0 reworked ETag: `@blp.etag` takes no schema any more (the "ETag
computed with another schema" case is gone; the decorator can wrap a whole MethodView).
Source: CHANGELOG.rst, 0.40.0: "*Backwards-incompatible*: Rework ETag feature. Drop the
"ETag computed with API response data using another schema" case ... (:pr:`394`)"."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Hit, Rule, hit
from .._source import Module


class FlaskSmorestEtagSchema(Rule):
    id = "flask-smorest-etag-schema"
    package = "flask-smorest"
    since = "0.40.0"
    summary = "@blp.etag(Schema) is gone: @blp.etag takes no schema"
    triggers = ("etag",)

    def check(self, module: Module) -> Iterator[Hit]:
        if "flask_smorest" not in module.source:
            return
        for func in module.functions + module.classes:
            for deco in func.decorator_list:  # type: ignore[attr-defined]
                if (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) and deco.func.attr == "etag"
                        and (deco.args or deco.keywords)):  # fmt: skip
                    yield hit(deco, f"@{module.segment(deco.func)}({module.segment(deco.args[0]) if deco.args else '...'})",
                              "@blp.etag without arguments; the ETag is computed from the response data")  # fmt: skip


RULE = FlaskSmorestEtagSchema()
