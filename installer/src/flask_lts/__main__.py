"""flask-lts: the channel this package carries, its constraints, and checks against it.

Commands: info, constraints, check, use, dockerfile, scan (each has --help).
Exit codes: 0 ok; 2 bad arguments; 3 other errors; `check` ORs 1 (drift),
4 (unsupported Python) and 8 (channel past its end of support); `scan` gives 1
when findings remain.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
from pathlib import Path
from typing import NoReturn, Optional, Sequence

from ._data import DATA_DIR, Channel, current_python, load
from ._exceptions import InstallerError


class _Parser(argparse.ArgumentParser):
    """argparse, with one-line errors that say how to get help."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _python_arg(value: str) -> str:
    parts = value.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise argparse.ArgumentTypeError(f"{value!r} is not a Python version like 3.12")
    return value


# -- info -------------------------------------------------------------------------


def cmd_info(args: argparse.Namespace, channel: Channel) -> int:
    today = _dt.date.today()
    python = args.python or current_python()
    pins = channel.pins_for(python)
    status = channel.status_on(today)
    if args.json:
        print(json.dumps({
            "channel": channel.name, "version": channel.version, "status": status,
            "freeze_date": str(channel.freeze_date), "release_date": str(channel.release_date),
            "bugfix_until": str(channel.bugfix_until), "security_until": str(channel.security_until),
            "days_left": channel.days_left(today), "pythons": channel.pythons,
            "planned_pythons": channel.planned_pythons, "python": python,
            "pins_for_python": channel.compared_python(python),
            "core": {name: pins.get(name) for name in channel.core},
            "extras": {extra: {name: pins.get(name) for name in names} for extra, names in channel.extras.items()},
        }, indent=2))  # fmt: skip
        return 0

    def days(until: _dt.date) -> str:
        left = (until - today).days
        return f"{left} days left" if left >= 0 else f"ended {-left} days ago"

    lines = [
        f"{channel.display} (flask-lts {channel.version})" + (f": {channel.summary}" if channel.summary else ""),
        f"status:          {status}",
        f"frozen:          {channel.freeze_date}, released {channel.release_date}",
        f"bug fixes until: {channel.bugfix_until} ({days(channel.bugfix_until)})",
        f"security until:  {channel.security_until} ({days(channel.security_until)})",
        "Python:          " + ", ".join(channel.pythons)
        + (f" (planned: {', '.join(channel.planned_pythons)})" if channel.planned_pythons else ""),
    ]
    here = current_python()
    if args.python is None:
        lines.append(f"this Python:     {here} " + ("(supported)" if channel.supports(here) else "(NOT supported)"))
    shown = channel.compared_python(python)
    lines += ["", f"core (pins for Python {shown}):"]
    width = max(len(n) for n in [*channel.core, *(n for names in channel.extras.values() for n in names)])
    for name in channel.core:
        lines.append(f"  {channel.display_name(name).ljust(width)}  {pins.get(name, '-')}")
    spec = f'--pre "flask-lts[EXTRA]=={channel.name}.*"' if channel.published_status == "preview" else f'"flask-lts[EXTRA]~={channel.name}.0"'
    lines += ["", f"extras (pip install {spec}):"]
    for extra, names in channel.extras.items():
        lines.append(f"  [{extra}] " + ", ".join(f"{channel.display_name(n)} {pins.get(n, '-')}" for n in names))
    lines.append("  [all] every extra above")
    print("\n".join(lines))
    return 0


# -- constraints --------------------------------------------------------------------


def cmd_constraints(args: argparse.Namespace, channel: Channel) -> int:
    path = channel.constraints_file(args.python, hashes=args.hashes, merged=args.all_pythons)
    if args.python is None and not channel.supports(current_python()):
        print(
            f"warning: channel {channel.name} does not support Python {current_python()} "
            f"(it supports {', '.join(channel.pythons)})",
            file=sys.stderr,
        )
    if args.print:
        with open(path, encoding="utf-8") as handle:
            sys.stdout.write(handle.read())
    else:
        print(path)
    return 0


# -- check --------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace, channel: Channel) -> int:
    from ._check import check, installed_distributions, render

    report = check(channel, installed_distributions())
    print(json.dumps(report.as_dict(), indent=2) if args.json else render(report))
    return report.exit_code


# -- use ----------------------------------------------------------------------------


def cmd_use(args: argparse.Namespace, channel: Channel) -> int:
    from . import _pipconf

    environ = dict(os.environ)
    if args.file:
        target, python = Path(os.path.abspath(os.path.expanduser(args.file))), sys.executable
    else:
        target, python = _pipconf.default_target(environ)
    if args.undo:
        plan = _pipconf.plan_undo(target)
        if not plan.found:
            print(f"nothing to undo: {target} has no flask-lts setting")
            return 0
        if not args.dry_run:
            _write(target, plan.new_text)
        if plan.new_text is None:
            done = "would delete" if args.dry_run else "deleted"
            print(f"{done} {target} (flask-lts use had created it)")
        else:
            done = "would remove" if args.dry_run else "removed"
            print(f"{done} the flask-lts setting from {target}, restoring what was there before")
        return 0
    merged = channel.constraints_file(merged=True)
    label = f"Flask LTS {channel.name}, flask-lts {channel.version}"
    plan = _pipconf.plan_use(target, merged, label, _pipconf.pip_config_files(python), environ)
    if not args.dry_run and plan.changes:
        _write(target, plan.new_text)
    action = "would write" if args.dry_run else ("wrote" if plan.changes else "unchanged")
    print(f"{action} {target}:")
    print("  [install]\n  constraint =\n" + "\n".join(f"      {v}" for v in plan.values))
    if plan.kept is not None:
        print(
            f"kept {' '.join(v for v in plan.kept.values if v in plan.values[:-1])} from {plan.kept.where()}: "
            f"pip used it before, and a constraint set in {target.name} replaces those of wider "
            "configuration levels, so it is listed again here"
        )
    for warning in plan.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not plan.warnings:
        print(f"every later pip install that reads {target} stays inside {channel.display}")
    print("undo with: flask-lts use --undo" + (f" --file {target}" if args.file else ""))
    return 0


def _write(target: Path, text: Optional[str]) -> None:
    """Write through a temporary file and rename (or delete when `text` is None)."""
    import tempfile

    from ._exceptions import PipConfigError

    path = os.fspath(target)
    try:
        if text is None:
            os.unlink(path)
            return
        directory = os.path.dirname(path) or "."
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".pip.conf.", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o644
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise PipConfigError(f"cannot write {path}: {exc.strerror or exc}") from None


# -- dockerfile -----------------------------------------------------------------------


def cmd_dockerfile(args: argparse.Namespace, channel: Channel) -> int:
    from ._dockerfile import parse_extras, render

    extras = parse_extras(channel, args.extras or "")
    sys.stdout.write(render(channel, args.python or channel.default_python, extras, args.app, args.port))
    return 0


# -- scan -----------------------------------------------------------------------------


def cmd_scan(args: argparse.Namespace, channel: Channel) -> int:
    from . import scan as _scan
    from ._exceptions import UsageError

    target = args.to or channel.name
    new = _scan.channel_versions(target)
    if args.from_:
        old, origin = _scan.channel_versions(args.from_), f"channel {args.from_}"
    else:
        old, origin = _scan.installed(), "the versions installed here"
        if not old:
            raise UsageError("none of the channel's packages is installed here: say which channel you come from, --from 2024")
    rules = _scan.select_rules(old, new)
    report = _scan.scan(args.paths, rules, fix=args.fix)
    if args.format == "json":
        out = _scan.as_json(report)
        out.update({"from": args.from_ or "installed", "to": target})
        print(json.dumps(out, indent=2))
    else:
        print(_scan.render(report))
        print(f"compared {origin} with channel {target}", file=sys.stderr)
    return 1 if report.remaining else 0


# -- entry point ----------------------------------------------------------------------


def build_parser(channel: Optional[Channel]) -> argparse.ArgumentParser:
    name = channel.display if channel else "Flask LTS"
    version = f"flask-lts {channel.version} ({name}, Python {sys.version.split()[0]})" if channel else "flask-lts"
    parser = _Parser(
        prog="flask-lts",
        description=f"{name}: the channel's facts, its constraints files, and checks against it.",
        epilog="Exit codes: 0 ok; 2 bad arguments; 3 other errors; check: see flask-lts check --help.",
    )
    parser.add_argument("--version", action="version", version=version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("info", help="the channel, its support dates, Pythons and pinned versions",
                       description="Show the channel, its status and support dates (with days left), its Pythons, "
                       "and the pinned versions of the core and of each extra.")  # fmt: skip
    p.add_argument("--python", type=_python_arg, metavar="X.Y", help="show the pins for this Python (default: this one)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("constraints", help="print the path of the bundled constraints file",
                       description='Print the path of the bundled constraints file for this Python, for '
                       '`pip install -c "$(flask-lts constraints)" flask-caching`.')  # fmt: skip
    p.add_argument("--python", type=_python_arg, metavar="X.Y", help="the file for this Python (default: this one)")
    p.add_argument("--all-pythons", action="store_true", help="the one file for every supported Python (markers)")
    p.add_argument("--hashes", action="store_true",
                   help="the file with --hash lines (every Python): pip install --require-hashes -r FILE")  # fmt: skip
    p.add_argument("--print", action="store_true", help="print the file's content instead of its path")
    p.set_defaults(func=cmd_constraints)

    p = sub.add_parser("check", help="compare this environment with the channel",
                       description="Compare the running environment with the channel: packages of the channel "
                       "installed at another version (drift), an unsupported Python, a channel past its end of "
                       "support. Exit code: 0 clean, else the sum of 1 (drift), 4 (Python not supported) and "
                       "8 (channel past its end of support).")  # fmt: skip
    p.add_argument("--json", action="store_true", help="machine-readable report")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("use", help="make every later pip install in this virtual environment obey the channel",
                       description="Write [install] constraint = <the channel's constraints file> into the virtual "
                       "environment's own pip configuration file ($VIRTUAL_ENV/pip.conf), keeping the constraints "
                       "pip already uses from other configuration files. --undo removes exactly what was written.")  # fmt: skip
    p.add_argument("--undo", action="store_true", help="remove what flask-lts use wrote")
    p.add_argument("--file", metavar="PATH", help="the pip configuration file to edit (needed outside a virtual environment)")
    p.add_argument("--dry-run", action="store_true", help="show what would be written; change nothing")
    p.set_defaults(func=cmd_use)

    p = sub.add_parser("dockerfile", help="print a starter Dockerfile on the channel's base image",
                       description="Print a starter Dockerfile for your app on the channel's base image "
                       "(ghcr.io/flask-lts/flask-lts:<channel>-py<X.Y>).")  # fmt: skip
    p.add_argument("--python", type=_python_arg, metavar="X.Y", help="the image's Python (default: the channel's default)")
    p.add_argument("--extras", metavar="A,B", help="extras to install, e.g. login,sqlalchemy")
    p.add_argument("--app", default="app:app", help="the WSGI application, module:object (default: app:app)")
    p.add_argument("--port", type=int, default=8000, help="the port the server listens on (default: 8000)")
    p.set_defaults(func=cmd_dockerfile)

    p = sub.add_parser("scan", help="find (and fix) uses of APIs that break between your versions and a channel",
                       description="Report each use of an API that is removed, deprecated or changed between the "
                       "versions installed here (or --from CHANNEL) and the target channel, with file:line, the "
                       "release of the change and what to write instead. --fix rewrites what can be rewritten "
                       "safely (moved imports, renamed arguments and aliases). Exit code: 0 nothing left, 1 "
                       "findings left, 2 bad arguments.")  # fmt: skip
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories to scan (*.py)")
    p.add_argument("--to", metavar="CHANNEL", help="the channel you move to (default: this package's channel)")
    p.add_argument("--from", dest="from_", metavar="CHANNEL", help="the channel you come from (default: the versions installed here)")
    p.add_argument("--fix", action="store_true", help="rewrite what can be rewritten safely, in place")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_scan)
    return parser


def main(argv: Optional[Sequence[str]] = None, data_dir: Optional[str] = None) -> int:
    try:
        channel: Optional[Channel] = load(DATA_DIR if data_dir is None else Path(data_dir))
        error = None
    except InstallerError as exc:
        channel, error = None, exc
    parser = build_parser(channel)
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        if channel is None:
            raise error  # type: ignore[misc]
        return int(args.func(args, channel))
    except InstallerError as exc:
        print(f"flask-lts: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("flask-lts: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
