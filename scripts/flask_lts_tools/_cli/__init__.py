"""The command line of the maintainer toolkit: parse, call a pipeline step's function, print.

One module per command (`resolve.py`, `verify.py`, ...), each with `add_parser(sub)`
and `command(args) -> exit code`; they only wire. This module builds the parser and
is the one place where a FlaskLTSError becomes a one-line message and its exit code
(the codes are listed in _exceptions.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from .. import _layout as layout
from .._exceptions import FlaskLTSError
from . import advisories, api_diff, audit, backport, canaries, controls, dist, docker_test, dockerfiles, import_graph, new_channel, publish, refresh, resolve, scan_measure, site, upgrade_report, verify

COMMANDS = (resolve, new_channel, verify, controls, canaries, refresh, api_diff, upgrade_report, scan_measure, audit, advisories, backport, dist, publish, dockerfiles, docker_test, site, import_graph)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flask-lts-tools", description="Maintainer toolkit of flask-lts: resolve, verify, build, publish, refresh and audit LTS channels."
    )  # fmt: skip
    parser.add_argument("--channels-dir", type=Path, default=layout.CHANNELS)
    parser.add_argument("--tools-dir", type=Path, default=layout.TOOLS)
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except FlaskLTSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; no file was changed", file=sys.stderr)
        return 130
