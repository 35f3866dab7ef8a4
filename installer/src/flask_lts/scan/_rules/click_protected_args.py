"""click 8.2 deprecated Context.protected_args: ctx.args holds every unparsed token."""

from __future__ import annotations

from typing import Iterator

from .._rule import DEPRECATED, Hit, Rule, hit
from .._source import Module


class ClickProtectedArgs(Rule):
    id = "click-protected-args"
    package = "click"
    since = "8.2.0"
    kind = DEPRECATED
    summary = "ctx.protected_args is deprecated"
    triggers = ("protected_args",)

    def check(self, module: Module) -> Iterator[Hit]:
        if "click" not in module.source:
            return
        for node in module.attributes.get("protected_args", ()):
            yield hit(node, module.segment(node), "ctx.args (it now holds the protected arguments too)")


RULE = ClickProtectedArgs()
