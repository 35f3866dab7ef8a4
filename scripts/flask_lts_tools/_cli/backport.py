"""flask-lts-tools backport build | test | publish | constraints: fixes backported into a
channel's frozen releases, served from its own package index (docs/backports.md)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .. import _layout as layout
from .._output import markdown_table
from ..channel import find_channel_file, load_channel
from ..pythons import parse_python_options, require_interpreters

BUILD_PYTHON = "3.11"  # the interpreter that runs the build (a pure-Python build: any gives the same bytes)


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("backport", help="build, gate and publish backported fixes of a channel's frozen releases")
    actions = parser.add_subparsers(dest="action", required=True)
    for name, text in (
        ("build", "apply the patches to the frozen release's sdist and build the local version (staged in .cache/backports/)"),
        ("test", "build, then run the gate on each Python: the release's own suite on the build, the regression tests pass on it and fail without it"),
        ("publish", "copy a build that passed the gate on every Python of the channel into packages/<channel>/ (never rewritten)"),
        ("constraints", "write the channel's constraints files with every backported pin moved to its published build"),
    ):
        p = actions.add_parser(name, help=text)
        p.add_argument("channel")
        p.add_argument("--package", help="only this package's backports (default: every package with patches)")
        p.add_argument("--work-dir", type=Path, default=layout.BACKPORTS_WORK)
        p.add_argument("--packages-dir", type=Path, default=layout.PACKAGES)
        p.add_argument("--sdist-cache", type=Path, default=layout.SDISTS)
        p.add_argument("--python", action="append", default=[], metavar="X.Y[=PATH]",
                       help="the Pythons of the gate (default: every Python of the channel); X.Y=PATH names an interpreter")
        if name == "constraints":
            p.add_argument("--constraints-dir", type=Path, default=layout.CONSTRAINTS)
            p.add_argument("--out", type=Path, required=True, help="folder for the moved files (the same layout as constraints/)")
            p.add_argument("--base-url", default=layout.SITE_URL,
                           help="the site's URL; the files name <base-url><channel>/simple/ as their extra index")
        else:
            p.add_argument("--constraints-dir", type=Path, default=layout.CONSTRAINTS)
        p.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from .. import backports as bp

    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    channel = load_channel(find_channel_file(args.channel, args.channels_dir))
    if args.action == "constraints":
        return _constraints(args, channel, log)
    explicit = parse_python_options([p for p in args.python if "=" in p])
    asked = [p.split("=", 1)[0] for p in args.python] or list(channel.pythons)
    pythons = require_interpreters(sorted({*asked, BUILD_PYTHON}, key=lambda v: tuple(map(int, v.split(".")))), explicit, "backport")
    constraints = layout.constraints_file(channel.name, args.constraints_dir)
    rows = []
    for backports in bp.load_backports(channel.name, args.channels_dir, args.package):
        built = bp.build(backports, pythons[BUILD_PYTHON], args.work_dir, args.sdist_cache, log)
        if args.action == "build":
            rows += [[built.package, built.version, f.filename, f.sha256] for f in built.files]
        elif args.action == "test":
            for python in asked:
                log(f"gate {built.package} {built.version} on Python {python} ...")
                result = bp.gate(backports, built, channel, constraints, pythons[python], args.work_dir, args.sdist_cache, log)
                bp.write_gate(built, result)
                suite = result.suite
                rows.append([
                    built.version, python, result.status,
                    f"{suite.get('passed', 0)} passed, {suite.get('failed', 0) + suite.get('errors', 0)} failed, {suite.get('skipped', 0)} skipped",
                    f"{result.patched.passed}/{result.patched.tests}" if result.patched else "-",
                    f"{result.unpatched.failed}/{result.unpatched.tests}" if result.unpatched else "-",
                ])  # fmt: skip
                for problem in result.problems:
                    log(f"  {problem.splitlines()[0]}")
        else:
            written = bp.publish(backports, built, channel, args.packages_dir)
            rows += [[built.version, str(p)] for p in written] or [[built.version, "already published, unchanged"]]
    headers = {
        "build": ["package", "version", "file", "sha256"],
        "test": ["build", "python", "gate", "own suite", "regression tests pass (build)", "regression tests fail (frozen release)"],
        "publish": ["build", "written"],
    }[args.action]
    print(markdown_table(headers, rows))
    if args.action == "test" and any(r[2] != "pass" for r in rows):
        from .._exceptions import BackportError

        raise BackportError(
            f"{bp.staging_folder(backports, args.work_dir)}: the gate failed ({', '.join(f'Python {r[1]}: {r[2]}' for r in rows if r[2] != 'pass')}); "
            "see the gate-py*.json files there; nothing was published"
        )
    return 0


def _constraints(args: argparse.Namespace, channel, log) -> int:
    from .. import backports as bp
    from .._exceptions import BackportError
    from .._files import atomic_write_many
    from ..site._archive import current_files

    pins = bp.pins_of(bp.published_builds(channel.name, args.packages_dir))
    if not pins:
        raise BackportError(f"{layout.packages_folder(channel.name, args.packages_dir)}: no published builds of channel {channel.name}")
    files = {}
    for source in current_files(channel, args.constraints_dir):
        base = args.base_url if args.base_url.endswith("/") else args.base_url + "/"
        files[args.out / source.relative_to(args.constraints_dir)] = bp.with_index(bp.pin_builds(source.read_text(encoding="utf-8"), pins), f"{base}{channel.name}/simple/")
    atomic_write_many(files)
    log(f"{len(files)} files written into {args.out}: {', '.join(f'{n}=={v}' for n, (_, v, _) in pins.items())}")
    return 0
