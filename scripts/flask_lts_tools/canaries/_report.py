"""The canaries' report: one JSON file per (set, Python) and a Markdown table beside it;
`load_run` reads one back (a shard's, to merge it; the last run's, for its times)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Mapping

from .._exceptions import CanaryError
from .._files import atomic_write
from .._output import markdown_table
from ..report import portable
from ._run import SCHEMA, CanaryResult, CanaryRun

# What a canary's line says, from its result and its verdict (docs/canaries.md, Verdicts).
OUTCOMES = ("pass", "regressed", "broken", "spurious", "failed", "error", "not run")


def outcome(result: CanaryResult, verdict: Mapping | None) -> str:
    """One word for a canary on one run: a failure is regressed or broken once judged
    (failed before any verdict), a pass with tests that failed then passed alone is spurious."""
    if result.status == "skip":
        return "not run"
    if result.status == "error":
        return "error"
    if result.status == "fail":
        if verdict and verdict.get("regressed"):
            return "regressed"
        return "broken" if verdict and verdict.get("broken") else "failed"
    return "spurious" if verdict and verdict.get("spurious") else "pass"


def culprit_text(verdict: Mapping | None) -> str:
    """`package baseline -> candidate` of a regression's culprit, or ""."""
    culprit = (verdict or {}).get("culprit")
    return f"{culprit['package']} {culprit['baseline']} -> {culprit['candidate']}" if culprit else ""


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
    ]
    if run.shard:
        lines += [f"Shard {run.shard['index']}/{run.shard['count']}: {len(run.canaries)} of {len(run.shard['of'])} canaries.", ""]
    if run.shards:
        times = ", ".join(f"{s['index']}/{s['count']} {s['seconds']:.0f}s" for s in run.shards)
        lines += [f"Merged from {len(run.shards)} shards run at once ({times}); the time above is the longest.", ""]
    lines += [
        markdown_table(["canary", "version", "status", "passed", "failed", "skipped", "time", "outside the channel", "first failure"], rows),
        "",
    ]
    if run.verdicts:
        lines += [f"### Verdicts (against {run.baseline or 'no baseline'})", ""]
        verdict_rows = []
        for v in run.verdicts:
            verdict_rows.append([v["canary"], len(v["regressed"]), len(v["broken"]), len(v["spurious"]), culprit_text(v) or "-", "; ".join(v["notes"])[:120]])
        lines += [markdown_table(["canary", "regressed", "broken", "spurious", "culprit", "notes"], verdict_rows), ""]
    failing = [(c.name, t) for c in run.canaries for t in c.failing]
    if failing:
        lines += ["### Failing tests", "", *(f"- {name}: `{test}`" for name, test in failing), ""]
    return "\n".join(lines)


def write_run(run: CanaryRun, path: Path, summary: Path | None = None) -> Path:
    """The JSON report at `path` and, when asked, its Markdown summary at `summary`, atomically."""
    atomic_write(path, portable(json.dumps(run.to_json(), indent=2, sort_keys=True)) + "\n")
    if summary is not None:
        atomic_write(summary, portable(summary_markdown(run)))
    return path


def load_run(path: Path) -> CanaryRun:
    """A canary report read back; CanaryError names the file when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CanaryError(f"{path}: cannot read the canary report ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise CanaryError(f"{path}: not JSON ({exc}); remake it with flask-lts-tools canaries") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("canaries"), list):
        raise CanaryError(f"{path}: not a canary report (schema {SCHEMA}); remake it with flask-lts-tools canaries")
    run_keys = {f.name for f in dataclasses.fields(CanaryRun)} - {"canaries"}
    result_keys = {f.name for f in dataclasses.fields(CanaryResult)}
    try:
        results = [CanaryResult(**{k: v for k, v in c.items() if k in result_keys}) for c in data["canaries"]]
        return CanaryRun(**{k: v for k, v in data.items() if k in run_keys}, canaries=results)
    except (TypeError, AttributeError) as exc:  # an entry that is not a table, or lacks a required key
        raise CanaryError(f"{path}: not a canary report ({exc}); remake it with flask-lts-tools canaries") from None
