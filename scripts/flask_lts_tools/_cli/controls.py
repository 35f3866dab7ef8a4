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
    p.add_argument("--judge-only", action="store_true", help="verify nothing: judge the reports already in --reports-dir (to combine runs)")
    p.add_argument("--reports-dir", type=Path, default=layout.CACHE / "controls" / "reports", help="the verify reports of each control")
    p.add_argument("--work-dir", type=Path, default=layout.CACHE / "controls" / "work")
    p.add_argument("--sdist-cache", type=Path, default=layout.SDISTS)
    p.add_argument("--testtools-cache", type=Path, default=layout.TESTTOOLS)
    p.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from ..controls import judge, load_controls, summary_markdown, totals
    from ..pythons import find_interpreters
    from ..report import write_reports
    from ..verify import Options, Target, load_set, parse_stages, verify_matrix

    progress = Progress()
    controls = load_controls(args.lists or DEFAULT_LISTS)
    if args.only:
        unknown = sorted(set(args.only) - {c.slug for c in controls})
        if unknown:
            raise FlaskLTSError(f"controls: no control named {', '.join(unknown)}")
        controls = [c for c in controls if c.slug in args.only]
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
            if not path.exists():
                raise FlaskLTSError(f"controls --judge-only: no report for {c.slug} on Python {c.python} ({path}); run it first")
            reports[c.slug] = json.loads(path.read_text())
    else:
        results = verify_matrix(found, interpreters, skipped, options_for, args.jobs, progress, args.reports_dir)
        reports = {r["set_name"]: r for r in write_reports(results, {}, args.reports_dir, progress)}
    judged = [judge(c, reports[c.slug]) for c in controls]
    label = args.stages.replace(",", "+") if args.stages else "all-stages"
    base = args.output or layout.REPORTS / "controls" / label
    wall = sum(r["seconds"] for r in reports.values()) / max(1, args.jobs) if args.judge_only else time.monotonic() - progress.started
    text = summary_markdown(judged, args.stages or "all", wall, args.jobs, combined=args.judge_only)
    atomic_write(base.with_suffix(".md"), text)
    atomic_write(base.with_suffix(".json"), json.dumps({"stages": args.stages or "all", "jobs": args.jobs, "wall_seconds": round(wall), "totals": totals(judged), "controls": judged}, indent=1) + "\n")
    print(text)
    t = totals(judged)
    return 0 if t["caught"] == t["broken"] and t["passed"] == t["working"] else 1
