"""The canaries' report: one JSON file per (set, Python) and a Markdown table beside it."""

from __future__ import annotations

import json
from pathlib import Path

from .._files import atomic_write
from .._output import markdown_table
from ..report import portable
from ._run import CanaryRun


def summary_markdown(run: CanaryRun) -> str:
    rows = []
    for c in run.canaries:
        first = ""
        if c.problems:
            first = c.problems[0].get("test") or c.problems[0]["message"].splitlines()[0]
        rows.append([
            c.name, c.version, c.status, c.passed, c.failed + c.errors, c.skipped, f"{c.seconds:.0f}s",
            ", ".join(f"{n} {v}" for n, v in c.outside.items()) or "-", first[:120].replace("|", "/"),
        ])  # fmt: skip
    lines = [
        f"## Canaries of {run.set_name} on Python {run.python}",
        "",
        f"Set: `{run.source}`; interpreter {run.interpreter}; started {run.started}; {run.seconds:.0f}s in all.",
        "",
        markdown_table(["canary", "version", "status", "passed", "failed", "skipped", "time", "outside the channel", "first failure"], rows),
        "",
    ]
    if run.verdicts:
        lines += [f"### Verdicts (against {run.baseline or 'no baseline'})", ""]
        verdict_rows = []
        for v in run.verdicts:
            culprit = v.get("culprit")
            named = f"{culprit['package']} {culprit['baseline']} -> {culprit['candidate']}" if culprit else "-"
            verdict_rows.append([v["canary"], len(v["regressed"]), len(v["broken"]), len(v["spurious"]), named, "; ".join(v["notes"])[:120]])
        lines += [markdown_table(["canary", "regressed", "broken", "spurious", "culprit", "notes"], verdict_rows), ""]
    failing = [(c.name, t) for c in run.canaries for t in c.failing]
    if failing:
        lines += ["### Failing tests", "", *(f"- {name}: `{test}`" for name, test in failing), ""]
    return "\n".join(lines)


def write_run(run: CanaryRun, path: Path) -> Path:
    """The JSON report at `path` and its Markdown summary beside it (summary-py<X.Y>.md), atomically."""
    atomic_write(path, portable(json.dumps(run.to_json(), indent=2, sort_keys=True)) + "\n")
    atomic_write(path.with_name(f"summary-py{run.python}.md"), portable(summary_markdown(run)))
    return path
