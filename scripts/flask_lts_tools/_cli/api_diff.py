"""flask-lts-tools api-diff: the public API difference between two releases of a package."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import _layout as layout


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("api-diff", help="the public API difference between two releases of a package (griffe)")
    p.add_argument("package")
    p.add_argument("old", help="the old release, e.g. 2.3.8")
    p.add_argument("new", help="the new release, e.g. 3.0.0")
    p.add_argument("--cache-dir", type=Path, default=layout.API_DIFF, help="where the releases are unpacked")
    p.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from .._exceptions import ApiDiffError
    from ..api_diff import api_difference, format_difference

    difference = api_difference(args.package, args.old, args.new, args.cache_dir)
    if difference.error is not None:
        raise ApiDiffError(difference.error)
    print(format_difference(difference))
    return 0
