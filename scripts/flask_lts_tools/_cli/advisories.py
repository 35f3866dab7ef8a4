"""flask-lts-tools advisories: refresh advisories/ from the OSV export and advisory database checkouts."""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from pathlib import Path

from .. import _layout as layout
from ._dates import iso_date


def add_parser(sub: argparse._SubParsersAction) -> None:
    from ..advisories import DEFAULT_DIR

    parser = sub.add_parser("advisories", help="refresh advisories/ from the OSV export of PyPI and the PyPA advisory database")
    parser.add_argument("--osv-zip", action="append", default=[], metavar="FILE|URL",
                        help="the OSV export of PyPI (all.zip), a file or its URL")
    parser.add_argument("--git", action="append", default=[], metavar="DIR|URL",
                        help="a checkout of the PyPA (or GitHub) advisory database, or its URL; repeatable")
    parser.add_argument("--out", type=Path, default=DEFAULT_DIR, metavar="DIR", help="advisory directory (default: advisories/)")
    parser.add_argument("--constraints-dir", type=Path, default=layout.CONSTRAINTS)
    parser.add_argument("--today", type=iso_date, default=None, metavar="YYYY-MM-DD", help="the taken date to record")
    parser.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from ..advisories import LOCAL_DIR, OSV_EXPORT_URL, PYPA_GIT_URL, RECORDS_DIR, channel_packages, own_records_to_review, refresh

    osv_zips, gits = list(args.osv_zip), list(args.git)
    if not osv_zips and not gits:  # both public sources
        osv_zips, gits = [OSV_EXPORT_URL], [PYPA_GIT_URL]
    packages = channel_packages(args.channels_dir, args.constraints_dir)
    log = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    manifest = refresh(osv_zips, gits, packages, args.out, args.today or _dt.date.today(), log)
    counts: dict[str, int] = {}
    for path in (args.out / RECORDS_DIR).rglob("*"):
        if path.is_file():
            counts[path.parent.name] = counts.get(path.parent.name, 0) + 1
    print(f"{manifest.records} records for {len(counts)} of {len(packages)} packages in {args.out / RECORDS_DIR}, "
          f"complete up to {manifest.data_date}")
    for source in manifest.sources:
        print(f"  {source.kind}: {source.location}" + (f" @ {source.commit[:12]}" if source.commit else "")
              + f", snapshot {source.snapshot}, {source.records} records")
    published = {p.stem for p in (args.out / RECORDS_DIR).rglob("*") if p.is_file()}
    for path in sorted((args.out / LOCAL_DIR).rglob("*.json")):
        if path.stem in published:
            print(f"  {path.relative_to(args.out)}: now published in {RECORDS_DIR}/; remove the transcribed record")
    for path, own, candidates in own_records_to_review(args.out):
        fixed = ", ".join(sorted({str(v) for entry in own.affected for v in entry.fixed()}))
        print(f"  {path.relative_to(args.out)}: published records name its fix ({fixed}): {', '.join(candidates)}; "
              f"if one is the same flaw, delete {own.id} and move the channels' decisions to that id")
    return 0
