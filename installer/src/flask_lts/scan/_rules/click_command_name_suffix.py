"""click 8.2 strips the suffixes _command, _cmd, _group and _grp from a function's
name when it makes the command's name: `def init_db_command()` is `init-db` now,
not `init-db-command`."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module

SUFFIXES = ("_command", "_cmd", "_group", "_grp")


class ClickCommandNameSuffix(Rule):
    id = "click-command-name-suffix"
    package = "click"
    since = "8.2.0"
    kind = CHANGED
    summary = "command names drop _command/_cmd/_group/_grp suffixes"
    triggers = SUFFIXES

    def check(self, module: Module) -> Iterator[Hit]:
        for func in module.functions:
            name = func.name  # type: ignore[attr-defined]
            suffix = next((s for s in SUFFIXES if name.endswith(s) and name != s.strip("_")), None)
            if suffix is None:
                continue
            for deco in func.decorator_list:  # type: ignore[attr-defined]
                target = deco.func if isinstance(deco, ast.Call) else deco
                if not (isinstance(target, ast.Attribute) and target.attr in ("command", "group")) and not (
                    isinstance(target, ast.Name) and module.imports.get(target.id) in ("click.command", "click.group")
                ):
                    continue
                named = isinstance(deco, ast.Call) and (deco.args or any(kw.arg == "name" for kw in deco.keywords))
                if named:
                    continue
                old = name.replace("_", "-")
                new = name[: -len(suffix)].replace("_", "-")
                yield hit(func, f"command {old!r} from {name}() is named {new!r} now",
                          f"@...{target.attr if isinstance(target, ast.Attribute) else target.id}({old!r}) to keep the old name")  # fmt: skip


RULE = ClickCommandNameSuffix()
