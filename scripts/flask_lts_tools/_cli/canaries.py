"""flask-lts-tools canaries: the suites of projects that depend on a channel, under its constraints."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from .. import _layout as layout
from .._output import Progress
from ..channel import find_channel_file, load_channel


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("canaries", help="run the canaries (downstream projects' own suites) under a channel's constraints")
    p.add_argument("--channel", required=True, help="channel name")
    p.add_argument("--python", action="append", metavar="X.Y", help="Python(s) to run on (default: the channel's default Python)")
    p.add_argument("--canary", action="append", help="only this canary (repeatable)")
    p.add_argument("--constraints", type=Path, help="run under this pinned set instead of the channel's constraints (a candidate)")
    p.add_argument("--registry", type=Path, default=layout.CANARIES)
    p.add_argument("--no-verdicts", action="store_true", help="do not judge failures against the baseline (nor bisect)")
    p.add_argument("--no-bisect", action="store_true", help="judge failures against the baseline, but do not look for the culprit")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="canaries at once (default: the cores)")
    p.add_argument("--constraints-dir", type=Path, default=layout.CONSTRAINTS)
    p.add_argument("--reports-dir", type=Path, default=layout.REPORTS)
    p.add_argument("--work-dir", type=Path, default=layout.VERIFY_WORK)
    p.add_argument("--sdist-cache", type=Path, default=layout.SDISTS)
    p.add_argument("--testtools-cache", type=Path, default=layout.TESTTOOLS)
    p.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from ..canaries import load_canaries, run_canaries, select, summary_markdown, write_run
    from ..pythons import require_interpreters
    from ..verify import Options

    progress = Progress()
    channel = load_channel(find_channel_file(args.channel, args.channels_dir))
    canaries = select(load_canaries(args.registry), channel.name, args.canary)
    pythons = args.python or [channel.default_python]
    interpreters = require_interpreters(pythons, {}, f"channel {channel.name}")
    constraints = args.constraints or layout.constraints_file(channel.name, args.constraints_dir)
    options = Options(workdir=args.work_dir, sdist_cache=args.sdist_cache, testtools_cache=args.testtools_cache)
    progress(f"{len(canaries)} canaries of channel {channel.name} under {constraints} on Python {', '.join(pythons)}")
    runs = []
    for python in pythons:
        run = run_canaries(canaries, channel, constraints, interpreters[python], options, args.jobs, progress, args.constraints and args.constraints.stem)
        report = None if args.constraints else layout.canary_report_file(channel.name, python, args.reports_dir)
        if report:  # written before the verdicts too, so that nothing of the runs is lost
            write_run(run, report)
        if not args.no_verdicts and any(c.failing or c.flaky for c in run.canaries):
            from ..canaries import judge
            from ..verify.stages.upstream.catalogue import load_catalogue

            judge(run, canaries, channel, interpreters[python], options, load_catalogue(), progress.scoped(f"verdicts py{python}"), bisect=not args.no_bisect)
        if report:  # a candidate's run is not the channel's report
            progress(f"report {write_run(run, report)}")
        print(summary_markdown(run))
        runs.append(run)
    print(f"{sum(len(r.canaries) for r in runs)} canary run(s) in {time.monotonic() - progress.started:.0f}s wall, {args.jobs} at a time")
    return 0 if all(r.status == "pass" for r in runs) else 1
