"""flask-lts-tools new-channel: propose a channel file from a freeze date."""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from pathlib import Path

from .._exceptions import FlaskLTSError
from .._files import atomic_write
from .._output import Progress
from .. import _layout as layout


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("new-channel", help="propose a channel file from a freeze date (release dates from the index)")
    p.add_argument("name")
    p.add_argument("--freeze-date", required=True, help="YYYY-MM-DD")
    p.add_argument("--groups", type=Path, default=None, help="extension groups catalogue (TOML)")
    p.add_argument("--python", action="append", metavar="X.Y=PATH")
    p.add_argument("-o", "--output", help="file to write, or - for stdout (default channels/<name>.toml)")
    p.add_argument("--force", action="store_true")
    p.add_argument(
        "--canaries-against", metavar="CHANNEL",
        help="then resolve the proposal (into a temporary folder) and run the series check against this channel: "
        "canaries that pass there and fail on the proposal, and the series choice that breaks them",
    )  # fmt: skip
    p.add_argument("--canary", action="append", help="with --canaries-against: only this canary (repeatable)")
    p.add_argument("--canary-python", metavar="X.Y", help="with --canaries-against: the Python (default: the proposal's default)")
    p.add_argument("--reports-dir", type=Path, default=layout.REPORTS)
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
    if args.canaries_against:
        return series_evidence(args, out, progress)
    return 0


def series_evidence(args: argparse.Namespace, channel_file: Path, progress: Progress) -> int:
    """The proposal resolved into a temporary folder, beside the other channel's constraints,
    and the series check run on it (canaries-series): the evidence for [[series-choices]]."""
    import shutil
    import tempfile

    from ..channel import find_channel_file, load_channel
    from ..constraints_writer import write_constraints
    from ..pythons import parse_python_options, require_interpreters
    from ..resolve import resolve
    from ..toolenv import uv_bin
    from .canaries import series_command

    channel = load_channel(channel_file)
    other = load_channel(find_channel_file(args.canaries_against, args.channels_dir))
    interpreters = require_interpreters(channel.pythons, parse_python_options(args.python or []), f"channel {channel.name}")
    with tempfile.TemporaryDirectory(prefix=f"flask-lts-new-{channel.name}-") as tmp:
        folder = Path(tmp)
        try:
            resolution = resolve(
                channel, interpreters, args.tools_dir, Path(uv_bin()), progress.scoped(f"resolve {channel.name}"), reference="none",
            )  # fmt: skip
        except FlaskLTSError as exc:
            raise FlaskLTSError(f"{channel_file}: the proposal does not resolve yet ({exc}); review it, then run the series check") from None
        write_constraints(resolution, folder)
        theirs = layout.constraints_file(other.name, layout.CONSTRAINTS)
        shutil.copy(theirs, layout.constraints_file(other.name, folder))
        series = argparse.Namespace(
            channel=str(channel_file), against=str(other.path), python=args.canary_python, canary=args.canary,
            registry=layout.CANARIES, jobs=2, constraints_dir=folder, reports_dir=args.reports_dir,
            work_dir=layout.VERIFY_WORK, sdist_cache=layout.SDISTS, testtools_cache=layout.TESTTOOLS,
            channels_dir=channel_file.parent,
        )  # fmt: skip
        return series_command(series)
