"""flask-lts-tools resolve: channels into constraints files (pip-tools on every Python)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .. import _layout as layout
from .._output import Progress
from .._output import markdown_table as table
from ..channel import find_channel_file, load_channel
from ._common import channel_names


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("resolve", help="resolve channels into constraints files (pip-tools on every Python)")
    p.add_argument("channel", nargs="*", help="channel names (default: every channel in channels/)")
    p.add_argument("--python", action="append", metavar="X.Y=PATH", help="use this interpreter (repeatable)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="Pythons resolved at once")
    p.add_argument("--out-dir", type=Path, default=layout.CONSTRAINTS)
    p.add_argument("--no-universal", action="store_true", help="skip uv --universal (what only other platforms need)")
    p.add_argument(
        "--reference", choices=["changed", "all"], default="changed",
        help="where pip-tools (the reference) resolves again after uv: only Pythons whose pins changed (default) or all",
    )  # fmt: skip
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if the files would change")
    p.add_argument("--packages-dir", type=Path, default=layout.PACKAGES,
                   help="the channels' published backport builds: pins of their frozen releases move to them (docs/backports.md)")
    p.add_argument("--base-url", default=layout.SITE_URL,
                   help="the site whose <channel>/simple/ serves those builds; the files name it (default: %(default)s)")
    p.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from ..pythons import parse_python_options, require_interpreters
    from ..constraints_writer import stale_constraint_files, write_constraints
    from ..backports._published import channel_builds
    from ..resolve import resolve

    progress = Progress()
    explicit = parse_python_options(args.python or [])
    channels = [load_channel(find_channel_file(n, args.channels_dir)) for n in channel_names(args)]
    from ..constraints import read_pins
    from ..toolenv import uv_bin

    uv = Path(uv_bin())
    rows = []
    outcomes = []
    for channel in channels:
        log = progress.scoped(f"channel {channel.name}")
        interpreters = require_interpreters(channel.pythons, explicit, f"channel {channel.name}")
        for version, interp in interpreters.items():
            log(f"Python {version}: {interp.full_version} from {interp.source} ({interp.path})")
        started = time.monotonic()
        current = layout.constraints_file(channel.name, args.out_dir)
        previous = read_pins(current) if current.exists() else None
        resolution = resolve(
            channel, interpreters, args.tools_dir, uv, log, jobs=args.jobs,
            previous=previous, universal=not args.no_universal, reference=args.reference,
            builds=channel_builds(channel.name, args.packages_dir), index_url=layout.channel_index_url(channel.name, args.base_url),
        )  # fmt: skip
        for note in resolution.notes:
            log(note)
        outcomes.append(resolution)
        for result in resolution.results:
            rows.append([
                channel.name, result.python, result.interpreter.full_version, len(result.resolution.pins),
                result.tool, f"{result.seconds:.1f}s", result.cross_check or "-",
            ])  # fmt: skip
        log(f"resolved in {time.monotonic() - started:.1f}s: {len(resolution.merged)} lines in the merged file")
    changed = []
    for resolution in outcomes:
        if args.check:
            changed += stale_constraint_files(resolution, args.out_dir)
        else:
            for path in write_constraints(resolution, args.out_dir):
                progress(f"wrote {path}")
    print(table(["channel", "Python", "interpreter", "pins", "pins from", "time", "cross-check"], rows))
    if args.check and changed:
        print(f"out of date: {', '.join(map(str, changed))}; run make resolve", file=sys.stderr)
        return 1
    return 0
