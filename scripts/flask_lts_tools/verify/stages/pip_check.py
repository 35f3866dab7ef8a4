"""pip-check: pip's own consistency check of the installed set's metadata."""

from __future__ import annotations

from .._context import Context
from .._model import Problem, StageResult
from . import register


@register("pip-check", 20, "pip check: every installed requirement satisfied")
def stage_pip_check(ctx: Context) -> StageResult:
    out = ctx.env.pip("check", timeout=300)
    if out.ok:
        return StageResult("pip-check", "pass")
    problems = [Problem(line.strip(), package=line.split()[0].lower()) for line in out.stdout.splitlines() if line.strip()]
    return StageResult("pip-check", "fail", problems=problems or [Problem(out.tail())])
