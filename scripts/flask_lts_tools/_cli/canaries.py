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

    p = sub.add_parser("canaries-propose", help="propose canary candidates from the package index (the registry's rule)")
    p.add_argument("--channel", required=True, help="channel name")
    p.add_argument("--ranks", type=Path, help="download ranks: name<TAB>version<TAB>date<TAB>rank per line (best first)")
    p.add_argument("--limit", type=int, default=20, help="how many candidates to inspect (default 20)")
    p.add_argument("--name", action="append", default=[], help="also inspect this project (repeatable)")
    p.add_argument("--registry", type=Path, default=layout.CANARIES)
    p.add_argument("--rejected", type=Path, default=layout.CANARIES_REJECTED)
    p.add_argument("--sdist-cache", type=Path, default=layout.SDISTS)
    p.set_defaults(func=propose_command)

    p = sub.add_parser(
        "canaries-series",
        help="does the channel's choice of series suit its canaries? each canary failing on the channel and passing "
        "on --against is checked, one package at a time taken back to the other channel's series",
    )  # fmt: skip
    p.add_argument("--channel", required=True, help="channel name (its constraints are run)")
    p.add_argument("--against", required=True, help="the channel whose series are the alternative (usually the previous)")
    p.add_argument("--python", metavar="X.Y", help="Python to run on (default: the channel's default Python)")
    p.add_argument("--canary", action="append", help="only this canary (repeatable)")
    p.add_argument("--registry", type=Path, default=layout.CANARIES)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    p.add_argument("--constraints-dir", type=Path, default=layout.CONSTRAINTS)
    p.add_argument("--reports-dir", type=Path, default=layout.REPORTS)
    p.add_argument("--work-dir", type=Path, default=layout.VERIFY_WORK)
    p.add_argument("--sdist-cache", type=Path, default=layout.SDISTS)
    p.add_argument("--testtools-cache", type=Path, default=layout.TESTTOOLS)
    p.set_defaults(func=series_command)


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
    import dataclasses

    from ..backports._local import LocalIndexes
    from ..constraints import index_urls

    # the channel's own builds (its files name its index on the site) come from packages/<channel>/,
    # served here while the canaries run: this machine may not reach the site
    with LocalIndexes(layout.PACKAGES, progress) as indexes:
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
            install_from = None if args.constraints else indexes.constraints(channel.name, constraints)
            if install_from is not None:  # the verdicts' baseline and bisection sets pin the builds too
                options = dataclasses.replace(options, index_urls=tuple(index_urls(install_from.read_text(encoding="utf-8"))))
            run = run_canaries(
                canaries, channel, constraints, interpreters[python], options, args.jobs, progress, args.constraints and args.constraints.stem,
                install_from=install_from,
            )  # fmt: skip
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


def series_command(args: argparse.Namespace) -> int:
    """Canaries of either channel run under `--channel`; those failing there are run under
    `--against`; where they pass there, the series change that breaks them is looked for."""
    import dataclasses
    import json

    from .._files import atomic_write_many
    from .._output import markdown_table
    from ..canaries import load_canaries, run_canaries
    from ..canaries._series import series_culprit
    from ..report import portable
    from ..constraints import pins_for, read_pins
    from ..pythons import require_interpreters
    from ..toolenv import uv_bin
    from ..verify import Options
    from ..verify.stages.upstream.catalogue import load_catalogue
    from ..backports._local import LocalIndexes
    from ..constraints import index_urls

    progress = Progress()
    channel = load_channel(find_channel_file(args.channel, args.channels_dir))
    other = load_channel(find_channel_file(args.against, args.channels_dir))
    python = args.python or channel.default_python
    interpreter = require_interpreters([python], {}, f"channel {channel.name}")[python]
    registry = load_canaries(args.registry)
    chosen = [c for c in registry if (channel.name in c.versions or other.name in c.versions) and (not args.canary or c.name in args.canary)]
    # a canary of the other channel only runs its release of that channel here too
    canaries = [c if channel.name in c.versions else dataclasses.replace(c, versions={**c.versions, channel.name: c.versions[other.name]}) for c in chosen]
    options = Options(workdir=args.work_dir, sdist_cache=args.sdist_cache, testtools_cache=args.testtools_cache)
    here = layout.constraints_file(channel.name, args.constraints_dir)
    there = layout.constraints_file(other.name, args.constraints_dir)
    progress(f"{len(canaries)} canaries under channel {channel.name} on Python {python}")
    # either channel's own builds come from packages/<channel>/, served here (as for make canaries)
    with LocalIndexes(layout.PACKAGES, progress) as indexes:
        here_from, there_from = indexes.constraints(channel.name, here), indexes.constraints(other.name, there)
        if here_from is not None:  # the series variants' sets keep the channel's builds
            options = dataclasses.replace(options, index_urls=tuple(index_urls(here_from.read_text(encoding="utf-8"))))
        run = run_canaries(canaries, channel, here, interpreter, options, args.jobs, progress, install_from=here_from)
        failing = [r for r in run.canaries if r.status in ("fail", "error") and r.failing]
        others = {c.name: dataclasses.replace(c, versions={**c.versions, other.name: c.versions.get(other.name, c.versions[channel.name])}) for c in canaries}
        rows, findings = [], []
        if failing:
            progress(f"{len(failing)} fail under {channel.name}: running them under {other.name}")
            back = run_canaries([others[r.name] for r in failing], other, there, interpreter, options, args.jobs, progress, install_from=there_from)
            catalogue = load_catalogue()
            pins = pins_for(read_pins(here), python)
            other_pins = pins_for(read_pins(there), python)
            for now, before in zip(failing, back.canaries):
                if before.status != "pass":
                    rows.append([now.name, now.version, f"{before.status} ({before.passed} passed)", f"{now.status}: {len(now.failing)} failing", "fails on both: not a series choice", "-"])
                    continue
                text = "\n".join(p["message"] for p in now.problems)
                canary = next(c for c in canaries if c.name == now.name)
                finding = series_culprit(
                    canary, now.version, now.failing, text, channel, other, pins, other_pins, interpreter, Path(uv_bin()), options, catalogue,
                    progress.scoped(f"series {now.name}"),
                )  # fmt: skip
                findings.append(dataclasses.asdict(finding))
                culprit = (
                    f"{finding.culprit} {finding.new_series} (passes with {finding.old_series}: {finding.old_version}"
                    + (f"; with {', '.join(finding.companions)}" if finding.companions else "") + ")"
                    if finding.culprit else "no single series change found"
                )  # fmt: skip
                rows.append([now.name, now.version, f"pass ({before.passed} passed)", f"{now.status}: {len(now.failing)} failing", culprit, "; ".join(finding.tried)])
    passing = [r.name for r in run.canaries if r.status == "pass"]
    table = markdown_table(["canary", "version", f"on {other.name}", f"on {channel.name}", "series culprit", "tried"], rows)
    text = "\n".join([
        f"## Series check: channel {channel.name} against {other.name} on Python {python}", "",
        f"{len(passing)} of {len(run.canaries)} canaries pass under {channel.name}: {', '.join(passing)}.", "",
        *(f"- {r.name}: {r.status} ({r.problems[0]['message'].splitlines()[0][:160] if r.problems else (r.notes[0] if r.notes else '')})" for r in run.canaries if r.status not in ("pass", "fail") or (r.status == "fail" and not r.failing)),
        "", table if rows else "No canary fails under this channel's series.", "",
    ])  # fmt: skip
    out = layout.canary_folder(channel.name, args.reports_dir)
    atomic_write_many({  # published reports carry no paths of this machine (report.portable)
        out / f"series-vs-{other.name}-py{python}.md": portable(text),
        out / f"series-vs-{other.name}-py{python}.json": portable(json.dumps({"schema": "flask-lts-series-check/1", "channel": channel.name, "against": other.name, "python": python, "run": run.to_json(), "findings": findings}, indent=2)) + "\n",
    })  # fmt: skip
    print(text)
    return 0


def propose_command(args: argparse.Namespace) -> int:
    from .._output import markdown_table
    from ..canaries import load_canaries
    from ..canaries._propose import propose, read_ranks, rejected_names

    progress = Progress()
    channel = load_channel(find_channel_file(args.channel, args.channels_dir))
    ranks = read_ranks(args.ranks) if args.ranks else {}
    found = propose(channel, load_canaries(args.registry), rejected_names(args.rejected, args.registry), ranks, args.sdist_cache, args.limit, args.name)
    rows = [[c.name, c.rank or "-", c.version or "-", ", ".join(c.depends_on) or "-", ", ".join(c.tests) or "-", c.verdict] for c in found]
    print(markdown_table(["project", "rank", "newest", "depends on (channel)", "tests in sdist", "verdict"], rows))
    good = sum(c.verdict.startswith("candidate") for c in found)
    progress(f"{len(found)} inspected, {good} candidate(s) for channel {channel.name}")
    return 0
