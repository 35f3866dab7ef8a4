"""flask-lts-tools controls: run every verifier control as a user runs verify, and report."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from .. import _layout as layout
from .._exceptions import FlaskLTSError
from .._files import atomic_write
from .._output import Progress

CONTROLS_DIR = Path("tests") / "data" / "controls"
DEFAULT_LISTS = [CONTROLS_DIR / "controls.toml", CONTROLS_DIR / "history.toml"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    from ..verify import stage_names

    p = sub.add_parser("controls", help="verify every control set (real broken sets and their working twins) and report caught/missed")
    p.add_argument("--list", action="append", type=Path, dest="lists", help=f"control list (repeatable; default {' and '.join(map(str, DEFAULT_LISTS))})")
    p.add_argument("--only", action="append", help="only this control slug (repeatable)")
    p.add_argument("--stages", help=f"comma-separated subset of: {','.join(stage_names())} (default: every stage)")
    p.add_argument("--jobs", type=int, default=2, help="verifications at once (default 2)")
    p.add_argument("--output", type=Path, help="report base name, written as .md and .json (default reports/controls/<stages>)")
    p.add_argument("--shard", metavar="I/N", help="only every N-th control starting at the I-th (to split a run between machines or sessions)")
    p.add_argument("--resume", action="store_true", help="keep the reports already in --reports-dir made with the same stages; verify the others")
    p.add_argument("--judge-only", action="store_true", help="verify nothing: judge the reports already in --reports-dir (to combine runs)")
    p.add_argument("--reports-dir", type=Path, default=layout.CACHE / "controls" / "reports", help="the verify reports of each control")
    p.add_argument("--work-dir", type=Path, default=layout.CACHE / "controls" / "work")
    p.add_argument("--sdist-cache", type=Path, default=layout.SDISTS)
    p.add_argument("--testtools-cache", type=Path, default=layout.TESTTOOLS)
    p.set_defaults(func=command)


def _stages_of(report: dict) -> list[str]:
    return [s["name"] for s in report["stages"]]


def verify_each(controls, found, interpreters, skipped, options_for, args, progress) -> dict[str, dict]:
    """Verify each control (jobs at a time) and write its report as soon as it is done, so
    that an interrupted run keeps what it verified (`--resume` picks up from there)."""
    from concurrent.futures import ThreadPoolExecutor

    from ..report import write_reports
    from ..verify import registered, verify_matrix

    asked = [s.name for s in registered() if not args.stages or s.name in args.stages.split(",") or s.always]
    reports: dict[str, dict] = {}
    todo = []
    for control, target in zip(controls, found):
        path = layout.report_file(control.slug, control.python, args.reports_dir)
        if args.resume and path.exists():
            kept = json.loads(path.read_text())
            if _stages_of(kept) == asked:
                reports[control.slug] = kept
                progress("kept the report of an earlier run", f"{control.slug} py{control.python}")
                continue
        todo.append(target)

    def one(target) -> dict:
        result = verify_matrix([target], interpreters, skipped, options_for, 1, progress, args.reports_dir)
        return write_reports(result, {}, args.reports_dir, progress)[0]

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for report in pool.map(one, todo):
            reports[report["set_name"]] = report
    return reports


def command(args: argparse.Namespace) -> int:
    from ..controls import judge, load_controls, not_run, summary_markdown, totals
    from ..pythons import find_interpreters
    from ..verify import Options, Target, load_set, parse_stages

    progress = Progress()
    controls = load_controls(args.lists or DEFAULT_LISTS)
    if args.only:
        unknown = sorted(set(args.only) - {c.slug for c in controls})
        if unknown:
            raise FlaskLTSError(f"controls: no control named {', '.join(unknown)}")
        controls = [c for c in controls if c.slug in args.only]
    if args.shard:
        try:
            index, count = (int(x) for x in args.shard.split("/"))
            if not 1 <= index <= count:
                raise ValueError
        except ValueError:
            raise FlaskLTSError(f"controls --shard {args.shard}: give I/N with 1 <= I <= N") from None
        controls = controls[index - 1 :: count]
    stages = parse_stages(args.stages)
    found = [Target(load_set(c.file, None, name=c.slug), [c.python]) for c in controls]
    interpreters, skipped = ({}, {}) if args.judge_only else find_interpreters(sorted({c.python for c in controls}))

    def options_for(target: Target) -> Options:
        # Exactly what `verify --constraints FILE --python X.Y` uses: default apps, the common known failures.
        return Options(
            stages=stages, workdir=args.work_dir, apps_dirs=[layout.COMPAT_APPS],
            known_failures=layout.known_failure_files(None, None, args.channels_dir),
            sdist_cache=args.sdist_cache, testtools_cache=args.testtools_cache,
        )  # fmt: skip

    if args.judge_only:
        reports = {}
        for c in controls:
            path = layout.report_file(c.slug, c.python, args.reports_dir)
            if path.exists():
                reports[c.slug] = json.loads(path.read_text())
        if not reports:
            raise FlaskLTSError(f"controls --judge-only: no report in {args.reports_dir}; run the controls first")
    else:
        reports = verify_each(controls, found, interpreters, skipped, options_for, args, progress)
    judged = [judge(c, reports[c.slug], [layout.COMPAT_APPS]) if c.slug in reports else not_run(c) for c in controls]
    label = args.stages.replace(",", "+") if args.stages else "all-stages"
    base = args.output or layout.REPORTS / "controls" / label
    wall = sum(r["seconds"] for r in reports.values()) / max(1, args.jobs) if args.judge_only else time.monotonic() - progress.started
    text = summary_markdown(judged, args.stages or "all", wall, args.jobs, combined=args.judge_only)
    atomic_write(base.with_suffix(".md"), text)
    atomic_write(base.with_suffix(".json"), json.dumps({"stages": args.stages or "all", "jobs": args.jobs, "wall_seconds": round(wall), "totals": totals(judged), "controls": judged}, indent=1) + "\n")
    print(text)
    t = totals(judged)
    # a twin failing only on its documented break is the verifier right about it, not a false alarm
    return 0 if t["caught"] == t["broken"] and t["passed"] + t["documented"] == t["working"] else 1
