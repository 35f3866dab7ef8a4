"""flask-lts-tools audit: a channel's pins against known vulnerabilities (OSV advisories)."""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from pathlib import Path

from ..channel import find_channel_file, load_channel
from ._dates import iso_date


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("audit", help="audit a channel's pins against known vulnerabilities (OSV advisories)")
    parser.add_argument("--channel", required=True, help="channel name (channels/<name>.toml) or path to a channel file")
    parser.add_argument("--constraints", type=Path, metavar="PATH", help="pinned set to audit (default: constraints/flask-lts-<name>.txt)")
    parser.add_argument("--advisories", type=Path, action="append", metavar="DIR",
                        help="directory of OSV records, repeatable (default: $FLASK_LTS_ADVISORIES, else advisories/)")
    parser.add_argument("--online", action=argparse.BooleanOptionalAction, default=False,
                        help="also ask the OSV API (api.osv.dev); unreachable means a note, not a failure")
    parser.add_argument("--online-timeout", type=float, default=5.0, metavar="SECONDS")
    parser.add_argument("--json", action="store_true", help="print the report as JSON (schema in docs/audit.md)")
    parser.add_argument("--today", type=iso_date, default=None, metavar="YYYY-MM-DD", help="audit as of this date (YYYY-MM-DD), for expiry checks")
    parser.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from ..audit import audit_channel, format_table

    channel = load_channel(find_channel_file(args.channel, args.channels_dir))
    report = audit_channel(
        channel, args.constraints, args.advisories or [], args.today or _dt.date.today(), args.online, args.online_timeout
    )  # fmt: skip
    for note in report.notes:
        if note.startswith("WARNING"):
            print(note, file=sys.stderr)
    print(report.to_json() if args.json else format_table(report), end="")
    return report.exit_code
