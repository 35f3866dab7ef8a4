"""`python -m flask_lts_tools.site publish-constraints|site`: the same commands as flask-lts-tools has."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .._exceptions import FlaskLTSError
from ._cli import add_publish_arguments, add_site_arguments, run_publish, run_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flask_lts_tools.site")
    parser.add_argument("--channels-dir", type=Path, default=Path("channels"))
    sub = parser.add_subparsers(dest="command", required=True)
    add_publish_arguments(sub.add_parser("publish-constraints", help="add current serials to published/"))
    add_site_arguments(sub.add_parser("site", help="build site/"))
    args = parser.parse_args(argv)
    try:
        return run_publish(args) if args.command == "publish-constraints" else run_site(args)
    except FlaskLTSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
