"""What several commands share: which channels were named."""

from __future__ import annotations

import argparse

from .._exceptions import FlaskLTSError


def channel_names(args: argparse.Namespace) -> list[str]:
    names = args.channel or sorted(p.stem for p in args.channels_dir.glob("*.toml"))
    if not names:
        raise FlaskLTSError(f"{args.channels_dir}: no channel files (channels/<name>.toml)")
    return names
