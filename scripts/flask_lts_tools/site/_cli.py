"""The command line of the site stage: `publish-constraints` and `site` (wired into flask-lts-tools)."""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
import time
from pathlib import Path
from typing import Callable

from ..channel import find_channel_file, load_channel

DEFAULT_BASE_URL = "https://flask-lts.github.io/flask-lts/"


def _date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-24") from None


def _base_url(text: str) -> str:
    if not text.startswith(("https://", "http://")):
        raise argparse.ArgumentTypeError(f"{text!r} is not an http(s) URL like {DEFAULT_BASE_URL}")
    return text if text.endswith("/") else text + "/"


def _log(started: float) -> Callable[[str], None]:
    return lambda message: print(f"[{time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)


def add_publish_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("channel", nargs="*", help="channel names (default: every channel in channels/)")
    parser.add_argument("--constraints-dir", type=Path, default=Path("constraints"))
    parser.add_argument("--archive-dir", type=Path, default=Path("published"), help="the committed archive of serials")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; fail unless every current serial is published with the same bytes")


def run_publish(args: argparse.Namespace) -> int:
    from ._archive import publish

    log = _log(time.monotonic())
    channels_dir = getattr(args, "channels_dir", None) or Path("channels")
    names = args.channel or sorted(p.stem for p in channels_dir.glob("*.toml"))
    for name in names:
        channel = load_channel(find_channel_file(name, channels_dir))
        outcome = publish(channel, args.constraints_dir, args.archive_dir, check=args.check)
        if outcome.state == "published":
            log(f"channel {channel.name}: published serial {outcome.version} into {outcome.path}; commit it")
        else:
            log(f"channel {channel.name}: serial {outcome.version} is published, unchanged ({outcome.path})")
    return 0


def add_site_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("site"), help="output folder (replaced as a whole)")
    parser.add_argument("--constraints-dir", type=Path, default=Path("constraints"))
    parser.add_argument("--archive-dir", type=Path, default=Path("published"))
    parser.add_argument("--reports-dir", type=Path, default=Path("reports"))
    parser.add_argument("--advisories", type=Path, action="append", metavar="DIR",
                        help="OSV advisory directory, repeatable (default: $FLASK_LTS_ADVISORIES, else advisories/)")
    parser.add_argument("--no-advisories", action="store_true", help="build without an advisory database")
    parser.add_argument("--today", type=_date, default=None, metavar="YYYY-MM-DD",
                        help="the date the timeline marks and the audit uses (default: today)")
    parser.add_argument("--base-url", type=_base_url, default=DEFAULT_BASE_URL,
                        help=f"where the site is served, for the URLs in commands and the API (default {DEFAULT_BASE_URL})")


def run_site(args: argparse.Namespace) -> int:
    from ..audit import default_advisory_dirs
    from ._build import build_site

    started = time.monotonic()
    log = _log(started)
    advisory_dirs = [] if args.no_advisories else (args.advisories or default_advisory_dirs())
    if not advisory_dirs:
        log("no advisory database (--advisories DIR or FLASK_LTS_ADVISORIES): the pages say so")
    built = build_site(
        args.out,
        channels_dir=getattr(args, "channels_dir", None) or Path("channels"),
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
