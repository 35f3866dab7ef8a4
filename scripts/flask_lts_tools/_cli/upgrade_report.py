"""flask-lts-tools upgrade-report: what a move between two channels asks of a user, per package."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import _layout as layout


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("upgrade-report", help="what moving from one channel to another breaks, per package (Markdown and JSON)")
    p.add_argument("--from", dest="old", required=True, help="the channel users leave, e.g. 2022")
    p.add_argument("--to", dest="new", required=True, help="the channel they move to, e.g. 2024")
    p.add_argument("--python", help="compare the pins of this Python (default: the newest both channels claim)")
    p.add_argument("--constraints-dir", type=Path, default=layout.CONSTRAINTS)
    p.add_argument("--reports-dir", type=Path, default=layout.REPORTS, help="verification reports in, upgrade reports out")
    p.add_argument("--upgrades-dir", type=Path, default=layout.UPGRADES, help="the curated changelog entries")
    p.add_argument("--apps", type=Path, action="append", help="compat app folder (repeatable; default compat-apps/)")
    p.add_argument("--cache-dir", type=Path, default=layout.API_DIFF, help="where releases are unpacked for the API difference")
    p.add_argument("--jobs", type=int, default=2, help="API differences computed at once")
    p.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from .._files import atomic_write_many
    from .._output import Progress
    from ..upgrade_report import render_markdown, report_json, upgrade_report

    progress = Progress()
    report = upgrade_report(
        args.old, args.new, python=args.python, channels_dir=args.channels_dir, constraints_dir=args.constraints_dir,
        reports_dir=args.reports_dir, upgrades_dir=args.upgrades_dir, apps_dirs=args.apps or [layout.COMPAT_APPS],
        api_cache=args.cache_dir, jobs=args.jobs, log=progress.scoped(f"upgrade {args.old} -> {args.new}"),
    )  # fmt: skip
    markdown = layout.upgrade_report_file(report.old, report.new, ".md", args.reports_dir)
    data = layout.upgrade_report_file(report.old, report.new, ".json", args.reports_dir)
    atomic_write_many({markdown: render_markdown(report), data: report_json(report)})
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in report.counts.items())
    progress(f"wrote {markdown} and {data} in {report.seconds:.0f}s: {counts}")
    return 0
