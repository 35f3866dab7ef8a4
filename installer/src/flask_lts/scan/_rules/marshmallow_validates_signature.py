"""marshmallow 4.0 passes data_key to @validates methods as a keyword argument: a
method without **kwargs raises TypeError."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module


class MarshmallowValidatesSignature(Rule):
    id = "marshmallow-validates-signature"
    package = "marshmallow"
    since = "4.0.0"
    kind = CHANGED
    summary = "@validates methods receive data_key=: accept **kwargs"
    triggers = ("validates",)

    def check(self, module: Module) -> Iterator[Hit]:
        for func in module.functions:
            for deco in func.decorator_list:  # type: ignore[attr-defined]
                target = deco.func if isinstance(deco, ast.Call) else deco
                name = module.qualname(target) or ""
                if name not in ("marshmallow.validates", "marshmallow.decorators.validates"):
                    continue
                args = func.args  # type: ignore[attr-defined]
                if args.kwarg is None and not any(a.arg == "data_key" for a in args.kwonlyargs + args.args):
                    yield hit(func, f"{func.name}() under @validates has no **kwargs",  # type: ignore[attr-defined]
                              f"def {func.name}(self, value, **kwargs)")  # type: ignore[attr-defined]


RULE = MarshmallowValidatesSignature()
