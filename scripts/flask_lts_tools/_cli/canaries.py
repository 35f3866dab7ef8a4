"""flask-lts-tools canaries and canaries-merge: the suites of projects that depend on a channel,
under its constraints, all at once or one shard of N; the shards' reports merged into one."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from .. import _layout as layout
from .._exceptions import ShardError
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
    p.add_argument(
        "--shard", metavar="I/N",
        help="run only the I-th of N shards of similar time (balanced on the last report's times); "
        "writes py<X.Y>.shard-I-of-N.json, merged with canaries-merge",
    )  # fmt: skip
    p.add_argument("--constraints-dir", type=Path, default=layout.CONSTRAINTS)
    p.add_argument("--reports-dir", type=Path, default=layout.REPORTS)
    p.add_argument("--work-dir", type=Path, default=layout.VERIFY_WORK)
    p.add_argument("--sdist-cache", type=Path, default=layout.SDISTS)
    p.add_argument("--testtools-cache", type=Path, default=layout.TESTTOOLS)
    p.set_defaults(func=command)

    p = sub.add_parser("canaries-merge", help="merge the shard reports of a channel and Python into its canary report")
    p.add_argument("--channel", required=True, help="channel name")
    p.add_argument("--python", metavar="X.Y", help="the Python the shards ran on (default: the channel's default Python)")
    p.add_argument("paths", nargs="*", type=Path, help="shard reports, or folders holding them (default: the channel's canary reports folder)")
    p.add_argument("--reports-dir", type=Path, default=layout.REPORTS, help="where the merged report is written")
    p.set_defaults(func=merge_command)


def command(args: argparse.Namespace) -> int:
    from ..canaries import load_canaries, parse_shard, plan_shard, run_canaries, select, summary_markdown, write_run
    from ..pythons import require_interpreters
    from ..verify import Options

    shard = parse_shard(args.shard) if args.shard is not None else None  # before any work
    progress = Progress()
    channel = load_channel(find_channel_file(args.channel, args.channels_dir))
    selection = select(load_canaries(args.registry), channel.name, args.canary)
    pythons = args.python or [channel.default_python]
    interpreters = require_interpreters(pythons, {}, f"channel {channel.name}")
    constraints = args.constraints or layout.constraints_file(channel.name, args.constraints_dir)
    options = Options(workdir=args.work_dir, sdist_cache=args.sdist_cache, testtools_cache=args.testtools_cache)
    progress(f"{len(selection)} canaries of channel {channel.name} under {constraints} on Python {', '.join(pythons)}")
    runs = []
    for python in pythons:
        canaries = selection
        report = None if args.constraints else layout.canary_report_file(channel.name, python, args.reports_dir)
        summary = None if args.constraints else layout.canary_summary_file(channel.name, python, args.reports_dir)
        record: dict = {}
        if shard is not None:  # each Python's shards are balanced on that Python's last times
            canaries, record = plan_shard(selection, shard, layout.canary_report_file(channel.name, python, args.reports_dir))
            progress(f"shard {shard} on Python {python}: {', '.join(c.name for c in canaries) or 'no canary'} (about {record['estimated_seconds']:.0f}s)")
            report = None if args.constraints else layout.canary_shard_report_file(channel.name, python, shard.index, shard.count, args.reports_dir)
            summary = None  # a shard's table is printed; the channel's summary is the merge's
        run = run_canaries(canaries, channel, constraints, interpreters[python], options, args.jobs, progress, args.constraints and args.constraints.stem)
        run.shard = record
        if report:  # written before the verdicts too, so that nothing of the runs is lost
            write_run(run, report)
        if not args.no_verdicts and any(c.failing or c.flaky for c in run.canaries):
            from ..canaries import judge
            from ..verify.stages.upstream.catalogue import load_catalogue

            judge(run, canaries, channel, interpreters[python], options, load_catalogue(), progress.scoped(f"verdicts py{python}"), bisect=not args.no_bisect)
        if report:  # a candidate's run is not the channel's report
            progress(f"report {write_run(run, report, summary)}")
        print(summary_markdown(run))
        runs.append(run)
    print(f"{sum(len(r.canaries) for r in runs)} canary run(s) in {time.monotonic() - progress.started:.0f}s wall, {args.jobs} at a time")
    # an empty shard (more shards than canaries) ran nothing and failed nothing
    return 0 if all(r.status == "pass" or not r.canaries for r in runs) else 1


def merge_command(args: argparse.Namespace) -> int:
    from ..canaries import load_run, merge_shards, summary_markdown, write_run

    channel = load_channel(find_channel_file(args.channel, args.channels_dir))
    python = args.python or channel.default_python
    pattern = layout.canary_shard_pattern(python)
    places = args.paths or [layout.canary_folder(channel.name, args.reports_dir)]
    files: list[Path] = []
    for path in places:
        if path.is_dir():
            files += sorted(path.rglob(pattern))
        elif args.paths:  # a file named on the command line (load_run says if it is not there)
            files.append(path)
    if not files:
        where = ", ".join(str(p) for p in places)
        raise ShardError(
            f"no shard reports ({pattern}) of channel {channel.name} in {where}; "
            f"run flask-lts-tools canaries --channel {channel.name} --python {python} --shard I/N for each shard first"
        )
    runs = [(path, load_run(path)) for path in files]
    for path, run in runs:
        if run.channel != channel.name or run.python != python:
            raise ShardError(f"{path}: a report of channel {run.channel} on Python {run.python}, not {channel.name} on {python}; merge one channel and Python at a time")
    merged = merge_shards(runs)
    report = write_run(
        merged, layout.canary_report_file(channel.name, python, args.reports_dir),
        layout.canary_summary_file(channel.name, python, args.reports_dir),
    )  # fmt: skip
    print(summary_markdown(merged))
    print(f"{len(runs)} shard report(s) of {len(merged.canaries)} canaries merged into {report}")
    return 0 if merged.status == "pass" else 1
