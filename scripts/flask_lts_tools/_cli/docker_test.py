"""flask-lts-tools docker-test: build the channels' real Dockerfiles with podman on stand-in bases and exercise them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .._output import Progress


def add_parser(sub: argparse._SubParsersAction) -> None:
    from ..stand_in import STAND_INS

    parser = sub.add_parser("docker-test", help="build the Dockerfiles with podman on stand-in bases and exercise the images (docs/docker.md)")
    parser.add_argument("--channel", action="append", default=[], help="a channel (repeatable; default: every live channel)")
    parser.add_argument("--python", action="append", default=[], help=f"a Python with a stand-in base ({', '.join(STAND_INS)}; repeatable)")
    parser.add_argument("--all-pythons", action="store_true", help="every stand-in Python each channel claims (default: one per channel)")
    parser.add_argument("--fresh-base", action="store_true", help="rebuild the stand-in bases even if podman has them")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the repository (build context); default: the current directory")
    parser.add_argument("--json", type=Path, help="also write the outcomes as JSON to this file")
    parser.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from .._exceptions import DockerTestError
    from ..docker_test import docker_test, select, summary

    progress = Progress()
    cases = select(args.root, args.channel, args.python, args.all_pythons)
    progress("cases: " + ", ".join(f"{c.name} on Python {p}" for c, p in cases))
    outcomes = docker_test(args.root, cases, args.fresh_base, progress)
    print(summary(outcomes))
    if args.json:
        from .._files import atomic_write

        atomic_write(args.json, json.dumps([o.__dict__ for o in outcomes], indent=2, default=str) + "\n")
    failures = [f"{o.channel} py{o.python}: {f}" for o in outcomes for f in o.failures]
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    progress(f"{'all checks passed' if not failures else f'{len(failures)} check(s) failed'}")
    return DockerTestError.exit_code if failures else 0
