"""flask-lts-tools new-channel: propose a channel file from a freeze date."""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from pathlib import Path

from .._exceptions import FlaskLTSError
from .._files import atomic_write
from .._output import Progress


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("new-channel", help="propose a channel file from a freeze date (release dates from the index)")
    p.add_argument("name")
    p.add_argument("--freeze-date", required=True, help="YYYY-MM-DD")
    p.add_argument("--groups", type=Path, default=None, help="extension groups catalogue (TOML)")
    p.add_argument("--python", action="append", metavar="X.Y=PATH")
    p.add_argument("-o", "--output", help="file to write, or - for stdout (default channels/<name>.toml)")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from ..new_channel import propose

    progress = Progress()
    text = propose(
        args.name,
        _dt.date.fromisoformat(args.freeze_date),
        groups_file=args.groups,
        python_explicit=args.python or [],
        log=progress.scoped(f"new-channel {args.name}"),
    )
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    out = Path(args.output or args.channels_dir / f"{args.name}.toml")
    if out.exists() and not args.force:
        raise FlaskLTSError(f"{out} exists; pass --force to overwrite or -o - to print the proposal")
    atomic_write(out, text)
    progress(f"wrote {out}: review it, then make resolve CHANNEL={args.name}")
    return 0
