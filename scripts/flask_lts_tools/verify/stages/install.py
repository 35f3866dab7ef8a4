"""install: the set into a fresh virtual environment with pip, exactly the pins and nothing else."""

from __future__ import annotations

from .._context import Context
from .._model import Problem, StageResult
from . import register


def pip_cause(output: str) -> str:
    """What stopped pip, for the problem's first line: its first `ERROR:` line (a version the
    index lacks, a resolution conflict: "Cannot install a and b because these package versions
    have conflicting dependencies."), else the first line of its error summary (`× Getting
    requirements to build wheel did not run successfully.`), else its last line. The lines
    before it are pip's progress (`INFO: pip is looking at multiple versions of ...`)."""
    lines = [l.strip() for l in output.splitlines() if l.strip() and "WARNING: Location" not in l]
    found = next((l for l in lines if l.startswith("ERROR: ") and "ResolutionImpossible" not in l), None)
    found = found or next((l for l in lines if l.startswith("× ")), None)
    return found or (lines[-1] if lines else "no output")


@register("install", 10, "pip install the set into a fresh venv; exactly its pins, nothing unpinned", always=True)
def stage_install(ctx: Context) -> StageResult:
    names = ctx.pinned.packages_to_install(ctx.python)
    out = ctx.env.pip("install", "-c", str(ctx.pinned.pip_constraints), *names, timeout=ctx.options.timeout)
    if not out.ok:
        ctx.blocked = "install failed"
        return StageResult("install", "fail", problems=[Problem(f"pip install failed: {pip_cause(out.stdout + chr(10) + out.stderr)}\n" + out.tail(30))])
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
