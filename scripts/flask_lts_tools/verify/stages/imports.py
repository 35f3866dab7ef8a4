"""imports: every top-level module of every installed distribution imports, warnings recorded."""

from __future__ import annotations

import json

from ... import venvs
from ..._resources import IMPORT_PROBE
from .._context import Context
from .._model import Problem, StageResult
from .._warnings import collect_warnings
from . import register


@register("imports", 30, "import every top-level module of every installed distribution")
def stage_imports(ctx: Context) -> StageResult:
    dists = sorted(ctx.installed)
    out = venvs.run([ctx.env.python, str(IMPORT_PROBE), *dists], timeout=600, cwd=ctx.workdir)
    if not out.ok:
        return StageResult("imports", "error", problems=[Problem("the import probe crashed:\n" + out.tail())])
    report = json.loads(out.stdout)
    problems, raw, modules = [], [], 0
    for dist in report:
        for module in dist["modules"]:
            modules += 1
            raw.extend(module["warnings"])
            if not module["ok"]:
                problems.append(Problem(module["error"], package=dist["distribution"], module=module["module"]))
    return StageResult(
        "imports", "fail" if problems else "pass", problems=problems, warnings=collect_warnings(raw),
        details={"modules": modules, "distributions": len(report)},
    )  # fmt: skip
