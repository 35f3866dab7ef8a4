"""flask-lts-tools verify and merge-reports: prove sets known-good, combine CI's reports."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from .. import _layout as layout
from .._output import Progress
from ..channel import find_channel_file, load_channel


def add_parser(sub: argparse._SubParsersAction) -> None:
    from ..verify import stage_names

    p = sub.add_parser("verify", help="verify a channel or any pinned set in fresh environments")
    p.add_argument("--channel", action="append", help="channel name (verifies constraints/flask-lts-<name>.txt); repeatable: one pool of workers runs every channel's Pythons")
    p.add_argument("--constraints", type=Path, help="any fully pinned file (constraints or pip freeze)")
    p.add_argument("--name", help="report name for --constraints (default: the file's stem)")
    p.add_argument("--python", action="append", metavar="X.Y[=PATH]", help="Python(s) to verify on (default: the channel's)")
    p.add_argument("--stages", help=f"comma-separated subset of: {','.join(stage_names())}")
    p.add_argument("--strict", action="store_true", help="warnings, and failing tests that are not breaks (test-harness, environment, spurious), fail the stage")
    p.add_argument("--suites", default="", help="comma-separated packages whose own suites the upstream stage runs (default: every catalogued one in the set)")
    p.add_argument("--no-baseline", dest="baseline", action="store_false",
                   help="do not run a suite's failing tests again with the package's own era set")
    # Twice the cores: a verification waits a good part of its time (suites that sleep,
    # index round trips, subprocess start-up), so two per core keep the cores busy.
    # Measured on 2 cores (docs/benchmarks.md): 2 at once 738 s, 3 683 s, 4 646 s, 5 696 s.
    p.add_argument("--jobs", type=int, default=2 * (os.cpu_count() or 1), help="verifications at once (default: twice the cores)")
    p.add_argument("--apps", action="append", type=Path, help=f"directory of app test modules (repeatable; default {layout.COMPAT_APPS}/)")
    p.add_argument("--known-failures", type=Path, help="known upstream failures (TOML)")
    p.add_argument("--constraints-dir", type=Path, default=layout.CONSTRAINTS)
    p.add_argument("--reports-dir", type=Path, default=layout.REPORTS)
    p.add_argument("--work-dir", type=Path, default=layout.VERIFY_WORK)
    p.add_argument("--sdist-cache", type=Path, default=layout.SDISTS, help="where the suites' sdists are kept")
    p.add_argument("--testtools-cache", type=Path, default=layout.TESTTOOLS, help="resolved and installed test tools")
    p.set_defaults(func=command)

    p = sub.add_parser("merge-reports", help="combine verification JSON reports into one summary")
    p.add_argument("paths", nargs="+", type=Path, help="report files or directories")
    p.add_argument("-o", "--output", type=Path, help="write the Markdown summary here")
    p.set_defaults(func=merge_command)


def command(args: argparse.Namespace) -> int:
    from ..pythons import find_interpreters, parse_python_options
    from ..report import summary_markdown, write_reports
    from ..verify import Options, Target, parse_stages, targets, verify_matrix

    progress = Progress()
    stages = parse_stages(args.stages)
    named = [v for v in args.python or [] if "=" not in v and "/" not in v]
    explicit = parse_python_options([v for v in args.python or [] if "=" in v or "/" in v])
    channels = [load_channel(find_channel_file(n, args.channels_dir)) for n in args.channel or []]
    found = targets(channels, args.constraints, [*named, *explicit], args.name, args.constraints_dir)
    interpreters, skipped = find_interpreters(sorted({p for t in found for p in t.pythons}), explicit)

    def options_for(target: Target) -> Options:
        return Options(
            stages=stages, workdir=args.work_dir, apps_dirs=args.apps or [layout.COMPAT_APPS],
            known_failures=layout.known_failure_files(target.channel.name if target.channel else None, args.known_failures, args.channels_dir),
            strict=args.strict, baseline=args.baseline, suites=tuple(n.strip() for n in args.suites.split(",") if n.strip()), sdist_cache=args.sdist_cache, testtools_cache=args.testtools_cache,
        )  # fmt: skip

    import dataclasses

    from ..backports._local import LocalIndexes

    # A channel whose files pin its own builds names its index on the site; this machine may not
    # reach the site (the builds of a serial not deployed yet, or no internet), so that index is
    # served here from packages/<channel>/ (the same files) while the verification runs.
    with LocalIndexes(layout.PACKAGES, lambda m: progress(m, "index")) as indexes:
        found = [
            dataclasses.replace(t, pinned=dataclasses.replace(t.pinned, install_from=indexes.constraints(t.channel.name, t.pinned.path)))
            if t.channel is not None else t
            for t in found
        ]  # fmt: skip
        results = verify_matrix(found, interpreters, skipped, options_for, args.jobs, progress, args.reports_dir)
    reports = write_reports(results, {t.pinned.name: t.all_pythons for t in found}, args.reports_dir, progress)
    print(summary_markdown(reports))
    print(f"{len(reports)} verification(s) in {time.monotonic() - progress.started:.0f}s wall, {args.jobs} at a time")
    return 0 if all(r.status == "pass" for r in results) else 1


def merge_command(args: argparse.Namespace) -> int:
    from ..report import load_reports, summary_markdown, write_summary

    reports = load_reports(args.paths)
    text = write_summary(reports, args.output) if args.output else summary_markdown(reports)
    print(text)
    return 0 if all(r["status"] == "pass" for r in reports) else 1
