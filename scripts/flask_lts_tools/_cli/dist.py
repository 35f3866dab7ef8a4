"""flask-lts-tools dist: the installer package of each channel (sdist + wheel) into dist/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import _layout as layout
from .._files import sha256
from .._output import markdown_table
from ..channel import find_channel_file, load_channel
from ._common import channel_names


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("dist", help="build the installer package flask-lts of each channel (sdist + wheel) into dist/")
    parser.add_argument("channel", nargs="*", help="channel names (default: every channel in channels/)")
    parser.add_argument("--out-dir", type=Path, default=layout.DIST, help="where the files go (default: dist/)")
    parser.add_argument("--constraints-dir", type=Path, default=layout.CONSTRAINTS)
    parser.add_argument("--installer-dir", type=Path, default=Path("installer"))
    parser.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from ..dist import build

    rows = []
    for name in channel_names(args):
        channel = load_channel(find_channel_file(name, args.channels_dir))

        def log(message: str, scope: str = f"dist {channel.name}") -> None:
            print(f"{scope}: {message}", file=sys.stderr, flush=True)

        for path in build(channel, args.constraints_dir, args.installer_dir, args.out_dir, log):
            rows.append([channel.name, str(path), f"{path.stat().st_size / 1024:.1f} KiB", sha256(path)[:16]])
    print(markdown_table(["channel", "file", "size", "sha256"], rows))
    return 0
