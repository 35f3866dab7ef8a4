"""flask-lts-tools dockerfiles: the Docker base images' files from the channels' constraints."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("dockerfiles", help="generate the Docker base images' files (docker/, docker-bake.hcl)")
    add_arguments(parser)
    parser.set_defaults(func=command)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "channel", nargs="*", help="only these channels (default: every channel in channels/); the bake file always covers all"
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="repository root, the images' build context (default: .)")
    parser.add_argument("--constraints-dir", type=Path, default=None, help="default: <root>/constraints")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated file would change")


def command(args: argparse.Namespace) -> int:
    from .. import _layout as layout
    from ..docker import update, write

    root: Path = args.root
    channels_dir = getattr(args, "channels_dir", None) or root / layout.CHANNELS
    planned = update(channels_dir, root, args.constraints_dir or root / layout.CONSTRAINTS, args.channel)
    if args.check:
        for path in planned.changed:
            print(f"out of date: {path}", file=sys.stderr)
        for path in planned.stale:
            print(f"stale (no such image any more): {path}", file=sys.stderr)
        if planned.changed or planned.stale:
            print("run make dockerfiles", file=sys.stderr)
            return 1
        print(f"{len(planned.files)} Docker files up to date")
        return 0
    write(planned)
    for path in planned.changed:
        print(f"wrote {path}")
    for path in planned.stale:
        print(f"removed {path}")
    if not planned.changed and not planned.stale:
        print(f"{len(planned.files)} Docker files up to date")
    return 0
