"""flask-lts-tools archive (alias publish-constraints) and site: published/ and the static site."""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
import time
from pathlib import Path
from typing import Callable

from .. import _layout as layout
from ..channel import find_channel_file, load_channel
from ._common import channel_names
from ._dates import iso_date

DEFAULT_BASE_URL = layout.SITE_URL


def _base_url(text: str) -> str:
    if not text.startswith(("https://", "http://")):
        raise argparse.ArgumentTypeError(f"{text!r} is not an http(s) URL like {DEFAULT_BASE_URL}")
    return text if text.endswith("/") else text + "/"


def _log(started: float) -> Callable[[str], None]:
    return lambda message: print(f"[{time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "archive", aliases=["publish-constraints"],
        help="add each channel's current serial to published/ (a published serial never changes)",
    )  # fmt: skip
    add_archive_arguments(p)
    p.set_defaults(func=archive_command)
    p = sub.add_parser("site", help="build the static site (site/) from channels/, published/, reports/ and advisories")
    add_site_arguments(p)
    p.set_defaults(func=site_command)


def add_archive_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("channel", nargs="*", help="channel names (default: every channel in channels/)")
    parser.add_argument("--constraints-dir", type=Path, default=layout.CONSTRAINTS)
    parser.add_argument("--archive-dir", type=Path, default=layout.PUBLISHED, help="the committed archive of serials")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; fail unless every current serial is published with the same bytes")
    parser.add_argument("--advisories", type=Path, action="append", metavar="DIR",
                        help="OSV advisory directory for the audit a new serial must pass, repeatable "
                             "(default: $FLASK_LTS_ADVISORIES, else advisories/)")
    parser.add_argument("--today", type=iso_date, default=None, metavar="YYYY-MM-DD",
                        help="the date the audit of a new serial uses (default: today)")


def archive_command(args: argparse.Namespace) -> int:
    from ..audit import AdvisoryDatabaseError, default_advisory_dirs, load_advisories
    from ..site import archive_serial

    log = _log(time.monotonic())
    advisories = None
    if not args.check:  # the gate: a new serial is archived only when its channel's audit passes
        dirs = args.advisories or default_advisory_dirs()
        if not dirs:
            raise AdvisoryDatabaseError("no advisory database for the audit a new serial must pass: pass --advisories DIR "
                                        "or set FLASK_LTS_ADVISORIES")
        advisories = load_advisories(*dirs)
    for name in channel_names(args):
        channel = load_channel(find_channel_file(name, args.channels_dir))
        outcome = archive_serial(channel, args.constraints_dir, args.archive_dir, check=args.check,
                                 advisories=advisories, today=args.today or _dt.date.today())
        if outcome.state == "published":
            log(f"channel {channel.name}: published serial {outcome.version} into {outcome.path}; commit it")
        else:
            log(f"channel {channel.name}: serial {outcome.version} is published, unchanged ({outcome.path})")
    return 0


def add_site_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=layout.SITE, help="output folder (replaced as a whole)")
    parser.add_argument("--constraints-dir", type=Path, default=layout.CONSTRAINTS)
    parser.add_argument("--archive-dir", type=Path, default=layout.PUBLISHED)
    parser.add_argument("--reports-dir", type=Path, default=layout.REPORTS)
    parser.add_argument("--advisories", type=Path, action="append", metavar="DIR",
                        help="OSV advisory directory, repeatable (default: $FLASK_LTS_ADVISORIES, else advisories/)")
    parser.add_argument("--no-advisories", action="store_true", help="build without an advisory database")
    parser.add_argument("--today", type=iso_date, default=None, metavar="YYYY-MM-DD",
                        help="the date the timeline marks and the audit uses (default: today)")
    parser.add_argument("--base-url", type=_base_url, default=DEFAULT_BASE_URL,
                        help=f"where the site is served, for the URLs in commands and the API (default {DEFAULT_BASE_URL})")


def site_command(args: argparse.Namespace) -> int:
    from ..audit import default_advisory_dirs
    from ..site import build_site

    started = time.monotonic()
    log = _log(started)
    advisory_dirs = [] if args.no_advisories else (args.advisories or default_advisory_dirs())
    if not advisory_dirs:
        log("no advisory database (--advisories DIR or FLASK_LTS_ADVISORIES): the pages say so")
    built = build_site(
        args.out,
        channels_dir=args.channels_dir,
        constraints_dir=args.constraints_dir,
        archive_dir=args.archive_dir,
        reports_dir=args.reports_dir,
        advisory_dirs=advisory_dirs,
        today=args.today or _dt.date.today(),
        base_url=args.base_url,
        log=log,
    )
    log(f"wrote {built.out}/: {len(built.files)} files, channel pages {', '.join(built.channels)}")
    return 0
