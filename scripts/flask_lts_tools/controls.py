"""The verifier's controls: real historical sets that must fail (or warn) and their working twins.

`load_controls(lists)` reads the control lists (tests/data/controls/*.toml);
`judge(control, report)` turns one verification report into an outcome a maintainer
can read (caught, missed, passed, false alarm) with the reasons; `summary_markdown`
and `summary_json` are the report of a run. Every control is verified exactly as a
user verifies a pinned set (`verify --constraints FILE --python X.Y`): the stages
asked, the default compat apps, the common known-failures file and nothing written
for that control. The `app` key of a list is ignored here on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ._exceptions import ConstraintsError
from ._toml import tomllib
from .verify.stages import stage_names

EXPECTS = ("fail", "pass", "warn")


@dataclass
class Control:
    slug: str
    file: Path
    python: str
    expect: str  # fail | pass | warn (the set works and must show a warning)
    stage: str  # fail: the first stage that must fail; pass: the stage its twin fails at
    match: str  # fail: text in the failure; warn: text in the warning
    group: str = ""
    date: str = ""
    twin: str = ""  # the other control of the pair
    sources: list[str] = field(default_factory=list)
    listed_in: str = ""
    # pass controls: breaks the twin does not fix, documented upstream, that a stage beyond its
    # claim finds (Flask 1.1.2's own suite under Werkzeug 2.0, which Flask 1.1.3 capped)
    also_breaks: list[AlsoBreaks] = field(default_factory=list)


@dataclass(frozen=True)
class AlsoBreaks:
    """A documented break in a working twin: the stage, and the package (and text) of every
    problem it explains; a problem it does not explain is still a false alarm."""

    stage: str
    reason: str
    sources: tuple[str, ...]
    package: str = ""
    match: str = ""

    def explains(self, stage: str, problem: dict) -> bool:
        return (
            stage == self.stage
            and (not self.package or problem.get("package") == self.package)
            and (not self.match or self.match in problem.get("message", ""))
        )


def load_controls(lists: Iterable[Path]) -> list[Control]:
    """Every control of the lists, in order; a malformed entry names its list and slug."""
    controls: list[Control] = []
    seen: set[str] = set()
    for path in lists:
        try:
            entries = tomllib.loads(path.read_text())["control"]
        except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
            raise ConstraintsError(f"{path}: not a control list ({exc}); expected [[control]] tables") from None
        for entry in entries:
            slug = entry.get("slug", "?")
            missing = [k for k in ("slug", "file", "python", "expect") if k not in entry]
            if missing or entry["expect"] not in EXPECTS:
                raise ConstraintsError(f"{path}: control {slug}: needs slug, file, python and expect ({'/'.join(EXPECTS)})")
            if slug in seen:
                raise ConstraintsError(f"{path}: control {slug} is listed twice")
            also = _also_breaks(path, slug, entry)
            seen.add(slug)
            controls.append(
                Control(
                    slug, path.parent / entry["file"], str(entry["python"]), entry["expect"], entry.get("stage", ""),
                    entry.get("match", ""), entry.get("group", ""), entry.get("date", ""),
                    entry.get("fixed_by") or entry.get("fixes") or entry.get("twin", ""), list(entry.get("sources", [])), path.name,
                    also,
                )  # fmt: skip
            )
    return controls


def _also_breaks(path: Path, slug: str, entry: dict) -> list[AlsoBreaks]:
    tables = entry.get("also_breaks", [])
    if tables and entry.get("expect") != "pass":
        raise ConstraintsError(f"{path}: control {slug}: also_breaks belongs to a working twin (expect = \"pass\")")
    out = []
    for table in tables:
        stage, reason, sources = table.get("stage", ""), table.get("reason", ""), table.get("sources", [])
        if stage not in stage_names() or not reason.strip() or not sources or not (table.get("package") or table.get("match")):
            raise ConstraintsError(
                f"{path}: control {slug}: each also_breaks needs a stage ({', '.join(stage_names())}), a package or a "
                "match, a reason and sources"
            )
        out.append(AlsoBreaks(stage, reason, tuple(sources), table.get("package", ""), table.get("match", "")))
    return out


def _problems(stage: dict) -> list[dict]:
    return list(stage.get("problems", []))


def _warning_texts(report: dict) -> list[str]:
    return [f"{w.get('category')}: {w.get('message')} ({w.get('origin')})" for s in report["stages"] for w in s.get("warnings", [])]


def apps_left_out(report: dict, apps_dirs: Sequence[Path]) -> tuple[list[str], list[str]]:
    """The compat apps that ran for the set and why each other one was left out, worked out
    again from the versions the install stage recorded (reports written before the apps
    stage kept its `skipped` list apart from pytest's count of skipped tests lack it)."""
    from .verify.stages.apps import select_apps

    install = next((s for s in report["stages"] if s["name"] == "install"), None)
    installed = (install or {}).get("details", {}).get("installed") or {}
    if not installed:
        return [], []
    chosen, skipped = select_apps(apps_dirs, installed)
    return [p.name for p in chosen], skipped


def judge(control: Control, report: dict, apps_dirs: Sequence[Path] = ()) -> dict:
    """One control's outcome from its verification report.

    fail: caught when the verifier fails the set (`stage_ok`/`match_seen` say whether at
    the expected stage and for the expected reason); missed when it passes.
    pass: passed, or a false alarm. warn: caught when a warning with the text was reported."""
    order = stage_names()
    failing = [s for s in sorted(report["stages"], key=lambda s: order.index(s["name"]) if s["name"] in order else 99) if s["status"] in ("fail", "error")]
    first = failing[0]["name"] if failing else ""
    verdict = report["status"]
    failure_text = "\n".join(p["message"] for s in failing for p in _problems(s))
    warnings = _warning_texts(report)
    if control.expect == "fail":
        outcome = "caught" if verdict == "fail" else "missed"
        seen = bool(control.match) and control.match in failure_text
    elif control.expect == "warn":
        seen = any(control.match in w for w in warnings)
        outcome = "caught" if seen else "missed"
    else:
        outcome = "passed" if verdict == "pass" else "false alarm"
        seen = None
        problems = [(s["name"], p) for s in failing for p in _problems(s)]
        if verdict != "pass" and control.also_breaks and problems and all(
            any(a.explains(stage, p) for a in control.also_breaks) for stage, p in problems
        ):
            outcome = "documented break"
    apps = next((s for s in report["stages"] if s["name"] == "apps"), None)
    result = {
        "slug": control.slug, "python": control.python, "group": control.group, "date": control.date,
        "expect": control.expect, "expected_stage": control.stage, "verdict": verdict, "first_failing_stage": first,
        "stage_ok": (first == control.stage) if control.expect == "fail" and first else None,
        "match_seen": seen, "outcome": outcome, "seconds": report.get("seconds", 0),
        "stages": {s["name"]: s["status"] for s in report["stages"]},
        "apps_run": (apps or {}).get("details", {}).get("apps", []),
        "not_counted": sum(len(s.get("not_counted", [])) for s in report["stages"]),
        "list": control.listed_in,
    }  # fmt: skip
    if outcome == "documented break":
        result["documented"] = [{"stage": a.stage, "package": a.package, "reason": a.reason, "sources": list(a.sources)} for a in control.also_breaks]
    if outcome in ("missed", "false alarm") or (control.expect == "fail" and not seen):
        result["problems"] = [
            {"stage": s["name"], "message": p["message"][:600], **({"test": p["test"]} if p.get("test") else {})}
            for s in failing for p in _problems(s)[:5]
        ]  # fmt: skip
        left_out = apps_left_out(report, apps_dirs)[1] if apps_dirs else []
        # Only the groups the set has: an app whose every package is missing says nothing.
        result["apps_skipped"] = [s for s in left_out if "(the set has" in s and "(not in the set)" not in s]
        if control.expect == "warn":
            result["warnings"] = warnings[:10]
    return result


def not_run(control: Control) -> dict:
    """A control with no report (a run stopped before it, or --judge-only over part of the lists)."""
    return {
        "slug": control.slug, "python": control.python, "group": control.group, "date": control.date,
        "expect": control.expect, "expected_stage": control.stage, "verdict": "-", "first_failing_stage": "",
        "stage_ok": None, "match_seen": None, "outcome": "not run", "seconds": 0, "stages": {}, "list": control.listed_in,
    }  # fmt: skip


def totals(results: Sequence[dict]) -> dict:
    broken = [r for r in results if r["expect"] in ("fail", "warn") and r["outcome"] != "not run"]
    working = [r for r in results if r["expect"] == "pass" and r["outcome"] != "not run"]
    return {
        "broken": len(broken), "caught": sum(r["outcome"] == "caught" for r in broken),
        "caught_at_expected_stage": sum(r["outcome"] == "caught" and r["stage_ok"] is not False for r in broken),
        "missed": sum(r["outcome"] == "missed" for r in broken),
        "working": len(working), "passed": sum(r["outcome"] == "passed" for r in working),
        "false_alarms": sum(r["outcome"] == "false alarm" for r in working),
        "documented": sum(r["outcome"] == "documented break" for r in working),
        "not_run": sum(r["outcome"] == "not run" for r in results),
    }  # fmt: skip


def summary_markdown(results: Sequence[dict], stages: str, wall: float, jobs: int, combined: bool = False) -> str:
    t = totals(results)
    lines = [
        f"# Verifier controls: {len(results)} controls, stages {stages}",
        "",
        f"Broken sets caught: **{t['caught']} of {t['broken']}** ({t['caught_at_expected_stage']} at the expected stage); "
        f"missed: {t['missed']}. Working sets passed: **{t['passed']} of {t['working']}**; false alarms: {t['false_alarms']}."
        + (f" Working twins failing only on a documented break they do not fix: {t['documented']}." if t.get("documented") else "")
        + (f" Not run (no report): {t['not_run']}." if t["not_run"] else ""),
        (f"Combined from earlier runs: about {wall:.0f} s of wall time at {jobs} at a time (sum of the verifications / {jobs})."
         if combined else f"Wall time {wall:.0f} s, {jobs} verifications at a time.") + " Regenerate: `make controls` (see docs/verify.md).",
        "",
        "| control | Python | expect | verdict | first failing stage | expected error seen | outcome | s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        expect = r["expect"] + (f" ({r['expected_stage']})" if r["expected_stage"] else "")
        seen = {True: "yes", False: "no", None: "-"}[r["match_seen"]]
        lines.append(f"| {r['slug']} | {r['python']} | {expect} | {r['verdict']} | {r['first_failing_stage'] or '-'} | {seen} | {r['outcome']} | {r['seconds']:.0f} |")
    documented = [r for r in results if r["outcome"] == "documented break"]
    if documented:
        lines += ["", "## Documented breaks the working twins do not fix", ""]
        for r in documented:
            for d in r["documented"]:
                lines.append(f"- {r['slug']} (Python {r['python']}), {d['stage']}{', ' + d['package'] if d['package'] else ''}: {d['reason']} ({'; '.join(d['sources'])})")
    odd = [r for r in results if "problems" in r]
    if odd:
        lines += ["", "## Misses, false alarms and failures for another reason", ""]
        for r in odd:
            lines.append(f"### {r['slug']} (Python {r['python']}): {r['outcome']}")
            for p in r["problems"][:5]:
                first_line = p["message"].strip().splitlines()[0] if p["message"].strip() else ""
                lines.append(f"- {p['stage']}: {first_line[:300]}")
            if not r["problems"]:
                lines.append("- no stage failed")
            for w in r.get("warnings", [])[:3]:
                lines.append(f"- warning: {w[:300]}")
            if r.get("apps_skipped"):
                lines.append(f"- apps run: {', '.join(r['apps_run']) or 'none'}; left out: {'; '.join(r['apps_skipped'][:12])}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
