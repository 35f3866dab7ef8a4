"""click 8.3 passes a flag option's `default` to the command as it is written; before, it
went through the flag's value. Measured with click 8.1.8 against 8.3.0 and 8.4.2: with a
flag_value, default="y" gave the flag_value, default=False and default=0 gave None (now
"y", "False" and 0); with is_flag alone, default=0 or 1 gave a bool (now the command
fails). default=True, default=None, is_flag with default=False and string defaults of
is_flag behave as before."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Edit, Hit, Rule, hit
from .._source import Module

OPTIONS = ("click.option", "click.Option", "click.decorators.option", "click.core.Option")


class ClickFlagDefault(Rule):
    id = "click-flag-default"
    package = "click"
    since = "8.3.0"
    kind = CHANGED
    summary = "a flag option's default is passed as it is"
    fixable = True
    triggers = ("is_flag", "flag_value")

    def check(self, module: Module) -> Iterator[Hit]:
        for call in module.calls:
            if module.qualname(call.func) not in OPTIONS:
                continue
            keywords = {kw.arg: kw.value for kw in call.keywords if kw.arg}
            is_flag = keywords.get("is_flag")
            if "flag_value" not in keywords and not (isinstance(is_flag, ast.Constant) and is_flag.value is True):
                continue
            default = keywords.get("default")
            if not isinstance(default, ast.Constant) or default.value is True or default.value is None:
                continue  # no default, one that behaves as before, or a value this file does not show
            if "flag_value" in keywords:
                was = "the flag_value" if isinstance(default.value, str) else "None"
                yield hit(default, f"flag option with flag_value and default={default.value!r}",
                          f"the command now gets {default.value!r} (before 8.3: {was}); write the value the command should get")  # fmt: skip
            elif type(default.value) in (int, float):
                start, end = module.span(default)
                yield hit(default, f"is_flag option with default={default.value!r}",
                          f"default={bool(default.value)!r} (a non-bool default now fails)",
                          (Edit(start, end, repr(bool(default.value))),))  # fmt: skip


RULE = ClickFlagDefault()
