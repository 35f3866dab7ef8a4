"""marshmallow 3.24 deprecated Schema.context; 4.0 removed it: pass context with a
contextvars.ContextVar (marshmallow.experimental.context.Context)."""

from __future__ import annotations

from typing import Iterator

from .._rule import Hit, Rule, hit
from .._source import Module

INSTEAD = "a contextvars.ContextVar, or `with marshmallow.experimental.context.Context({...}):`"


class MarshmallowContext(Rule):
    id = "marshmallow-context"
    package = "marshmallow"
    deprecated = "3.24.0"
    since = "4.0.0"
    summary = "Schema(context=...) and schema.context are gone"
    triggers = ("context",)

    def check(self, module: Module) -> Iterator[Hit]:
        if "marshmallow" not in module.source:
            return
        for call in module.calls:
            if call.func and module.segment(call.func).endswith("Schema") and any(kw.arg == "context" for kw in call.keywords):
                yield hit(call, f"{module.segment(call.func)}(context=...)", INSTEAD)
        for node in module.attributes.get("context", ()):
            if module.segment(node.value) in ("self", "self.parent", "self.root", "schema") or module.segment(node.value).endswith("schema"):
                yield hit(node, module.segment(node), INSTEAD)


RULE = MarshmallowContext()
