"""The measurement's report: reports/scan/<old>-to-<new>.json and .md beside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from .._exceptions import ReportError
from .._files import atomic_write_many
from .._output import markdown_table
from ..report import portable
from ._measure import Measurement, SubjectResult, judge
from ._subjects import Subject


def _suite(run) -> str:
    if run is None:
        return "-"
    if run.status == "error" and not run.failing:
        return "error: " + (run.problems[0][:80] if run.problems else "did not run")
    return f"{run.passed} passed" + (f", {run.failed} failed" if run.failed else "")


def _cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def subject_rows(s: SubjectResult) -> list:
    c = s.counts()
    fixed = "-" if not c["breaks"] else f"{c['fixed_by_fix']} of {c['breaks']}"
    kinds = f"{c['api']} / {c['other']}" + (f" / {c['unclassified']}?" if c["unclassified"] else "")
    findings = f"{c['findings']}" + (f" ({c['own_package']} own)" if c["own_package"] else "")
    return [
        f"{s.name.rsplit('-' + s.version.replace('.', '-'), 1)[0]} {s.version}", f"{s.files} / {s.lines}", _suite(s.old), _suite(s.new),
        c["breaks"] if s.fair else f"({c['breaks']}, not fair)", kinds, f"{c['api_predicted']} of {c['api']}", findings, c["confirmed"],
        c["false"], c["not_shown"], fixed + (f" (+{len(s.fix_broke)} broken by it)" if s.fix_broke else ""),
    ]  # fmt: skip


HEADERS = [
    "project", "files / lines", "suite on old", "suite on new", "breaks", "api / other", "api breaks predicted",
    "findings", "confirmed", "false", "not shown", "breaks fixed by --fix",
]  # fmt: skip


def markdown(m: Measurement) -> str:
    t = m.totals()
    lines = [
        f"# `flask-lts scan --from {m.old} --to {m.new}` measured on real projects",
        "",
        f"Made by `make scan-measure FROM={m.old} TO={m.new}` (flask-lts-tools scan-measure; docs/scan.md, \"Measured on real code\"): "
        f"for each project, its own test suite from its sdist under channel {m.old}, `flask-lts scan --from {m.old} --to {m.new}` "
        f"on its sdist (source and tests), its suite under channel {m.new}, then `flask-lts scan --fix` on a copy and the suite "
        f"under {m.new} again. Python {m.interpreter}; started {m.started}; {m.seconds:.0f}s in all.",
        "",
        "A *break* is a test that passes on the old channel and fails on the new one. Its kind (api: the move changed an API "
        "the code uses; other: anything else) is a maintainer's verdict, recorded in channels/canaries/scan-subjects.toml; a break is "
        "*predicted* when a finding's line is in its traceback, or when the verdict names the rule and the scan reported that "
        "rule in the project. A finding is *false* when a verdict says so (with why), *not shown* when no failing test shows it.",
        "",
        f"**Totals** ({t['fair']} fair subjects of {t['subjects']}): {t.get('breaks', 0)} breaks, {t.get('api', 0)} from an API change, "
        f"{t.get('api_predicted', 0)} of them predicted; {t.get('findings', 0)} findings, {t.get('confirmed', 0)} confirmed by a failing test, "
        f"{t.get('false', 0)} false, {t.get('not_shown', 0)} not shown by the suites; {t.get('fixed_by_fix', 0)} breaks fixed by `--fix`.",
        "",
        markdown_table(HEADERS, [subject_rows(s) for s in m.subjects]),
        "",
    ]
    for s in m.subjects:
        lines += [f"## {s.name} {s.version}", ""]
        lines += [f"- {p}" for p in s.problems]
        if s.old and s.old.failing:
            lines += [f"- fails under {m.old} already: " + ", ".join(sorted(s.old.failing)[:10])]
        if s.breaks:
            rows = [
                [_cell(b.test), b.kind, _cell(b.cause or b.message)[:160], ", ".join(b.predicted_by) + (f" ({b.how})" if b.how else "") or "no",
                 "yes" if b.fixed else f"no: it runs now, {len(b.left)} of its tests fail" if b.left else "no"]
                for b in s.breaks
            ]  # fmt: skip
            lines += ["", markdown_table(["break", "kind", "cause", "predicted by", "fixed by --fix"], rows)]
        if s.fix_broke:
            lines += ["", "Failing only after `--fix`: " + ", ".join(s.fix_broke)]
        if s.findings:
            rows = [[f"{f['path']}:{f['line']}", f["rule"], f["kind"], f["verdict"] + ("" if f["verdict"] == "not shown" else f": {_cell(f['why'])}")] for f in s.findings]
            lines += ["", markdown_table(["finding", "rule", "kind", "verdict"], rows)]
        if not s.breaks and not s.findings and not s.problems:
            lines += ["No finding, no break."]
        lines.append("")
    return "\n".join(lines)


def rejudge(path: Path, subjects: Sequence[Subject]) -> Measurement:
    """A written report judged again with the subjects' current verdicts (nothing runs)."""
    try:
        measurement = Measurement.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ReportError(f"{path}: cannot read the measurement ({exc}); run make scan-measure first") from None
    by_name = {s.name: s for s in subjects}
    for result in measurement.subjects:
        if result.name in by_name:
            judge(by_name[result.name], result)
    return measurement


def write_measurement(m: Measurement, path: Path) -> Path:
    """The JSON report at `path` and its Markdown beside it, both or neither."""
    data = portable(json.dumps(m.to_json(), indent=2, sort_keys=True)) + "\n"
    atomic_write_many({path: data, path.with_suffix(".md"): portable(markdown(m))})
    return path
