"""flask-lts-tools publish: upload a channel's installer files (from make dist) with twine."""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
from pathlib import Path

from .. import _layout as layout
from .._exceptions import PublishError
from ..channel import find_channel_file, load_channel


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("publish", help="upload a channel's installer package to a package index with twine; safe to re-run")
    parser.add_argument("channel", help="channel name; its files come from dist/ (make dist)")
    parser.add_argument(
        "--repository-url",
        default=os.environ.get("TWINE_REPOSITORY_URL"),
        help="the upload endpoint of the package index (default: $TWINE_REPOSITORY_URL)",
    )
    parser.add_argument("--index-url", help="the simple index showing what it holds (default: derived from the repository URL)")
    parser.add_argument("--dist-dir", type=Path, default=layout.DIST)
    parser.add_argument("--advisories", type=Path, action="append", metavar="DIR",
                        help="OSV advisory directory for the audit a new serial must pass, repeatable "
                             "(default: $FLASK_LTS_ADVISORIES, else advisories/)")
    parser.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from ..audit import audit_channel, refuse_unless_clean
    from ..dist import installer_version
    from ..publish import publish, simple_index_for

    if not args.repository_url:
        raise PublishError("no repository: pass --repository-url URL (make publish REPOSITORY_URL=URL)")
    channel = load_channel(find_channel_file(args.channel, args.channels_dir))
    version = installer_version(channel)
    index_url = args.index_url or simple_index_for(args.repository_url)

    def log(message: str) -> None:
        print(f"publish {channel.name}: {message}", file=sys.stderr, flush=True)

    def gate() -> None:  # a new serial goes out only when the channel's audit passes
        if (layout.PUBLISHED / channel.name / channel.version).is_dir():
            # archived already: its audit was checked when it was archived (site/_archive.py)
            log(f"serial {channel.version} is in the archive; its audit was checked when it was archived")
            return
        report = audit_channel(channel, None, args.advisories or [], _dt.date.today())
        refuse_unless_clean(report, f"publish flask-lts {version}")

    uploaded, present = publish(version, args.dist_dir, args.repository_url, index_url, log, gate=gate)
    print(f"flask-lts {version}: uploaded {len(uploaded)}, already there {len(present)}")
    return 0
