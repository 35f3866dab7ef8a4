"""install: the set into a fresh virtual environment with pip, exactly the pins and nothing else."""

from __future__ import annotations

from .._context import Context
from .._model import Problem, StageResult
from . import register


@register("install", 10, "pip install the set into a fresh venv; exactly its pins, nothing unpinned", always=True)
def stage_install(ctx: Context) -> StageResult:
    names = ctx.pinned.packages_to_install(ctx.python)
    out = ctx.env.pip("install", "-c", str(ctx.pinned.pip_constraints), *names, timeout=ctx.options.timeout)
    if not out.ok:
        ctx.blocked = "install failed"
        return StageResult("install", "fail", problems=[Problem("pip install failed:\n" + out.tail(30))])
    ctx.installed = ctx.env.freeze()
    expected = ctx.pinned.for_python(ctx.python)
    problems = []
    for name, version in sorted(ctx.installed.items()):
        if name not in expected:
            problems.append(Problem(f"{name}=={version} was installed but the set does not pin it", package=name))
        elif expected[name].version != version:
            problems.append(Problem(f"{name}=={version} installed, the set pins {expected[name].version}", package=name))
    status = "fail" if problems else "pass"
    return StageResult("install", status, problems=problems, details={"installed": ctx.installed, "packages": names})
