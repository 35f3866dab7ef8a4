"""The verify stages, one module each, registered in one table.

A stage is a function `(Context) -> StageResult` in a module of this package,
decorated with `@register(name, order, summary)`. The table is what the command
line, the reports and the site read for the stages' names and order; adding a
stage is adding one module here (docs/verify.md, "Adding a stage").
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable

from .._context import Context
from .._model import StageResult

StageFunction = Callable[[Context], StageResult]


@dataclass(frozen=True)
class Stage:
    name: str  # as users write it: --stages install,imports
    order: int  # stages run in this order
    run: StageFunction
    summary: str  # one line for --help and docs
    always: bool = False  # runs even when not asked: the later stages need what it makes


_TABLE: dict[str, Stage] = {}
_loaded = False


def register(name: str, order: int, summary: str, *, always: bool = False) -> Callable[[StageFunction], StageFunction]:
    def decorate(function: StageFunction) -> StageFunction:
        if name in _TABLE and _TABLE[name].run is not function:
            raise RuntimeError(f"two verify stages are called {name!r}")
        _TABLE[name] = Stage(name, order, function, summary, always)
        return function

    return decorate


def registered() -> tuple[Stage, ...]:
    """Every stage, in the order they run."""
    global _loaded
    if not _loaded:
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
        _loaded = True
    return tuple(sorted(_TABLE.values(), key=lambda s: s.order))


def stage_names() -> tuple[str, ...]:
    """The stages' names in the order they run: install, pip-check, imports, apps, upstream, ..."""
    return tuple(s.name for s in registered())


def parse_stages(text: str | None) -> list[str]:
    """`install,imports` -> the stage names, checked; None or empty -> every stage."""
    from ..._exceptions import FlaskLTSError

    names = stage_names()
    asked = [s.strip() for s in (text or "").split(",") if s.strip()]
    unknown = [s for s in asked if s not in names]
    if unknown:
        raise FlaskLTSError(f"unknown verify stage {unknown[0]!r}; stages are {', '.join(names)}")
    return asked or list(names)
