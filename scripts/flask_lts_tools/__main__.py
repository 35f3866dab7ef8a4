"""Command line of the maintainer toolkit: a thin layer over each stage's function."""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

from ._exceptions import FlaskLTSError
from ._output import markdown_table as table
from .channel import find_channel_file, load_channel

Command = Callable[[argparse.Namespace], int]


class Progress:
    """One line per step: elapsed time since start, the scope (channel, Python), the message."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, message: str, scope: str = "") -> None:
        elapsed = time.monotonic() - self.started
        prefix = f"[{elapsed:6.1f}s]" + (f" {scope}" if scope else "")
        print(f"{prefix} {message}", file=sys.stderr, flush=True)

    def scoped(self, scope: str) -> Callable[[str], None]:
        return lambda message: self(message, scope)


def channel_names(args: argparse.Namespace) -> list[str]:
    names = args.channel or sorted(p.stem for p in args.channels_dir.glob("*.toml"))
    if not names:
        raise FlaskLTSError(f"{args.channels_dir}: no channel files (channels/<name>.toml)")
    return names


# -- resolve ------------------------------------------------------------------


def cmd_resolve(args: argparse.Namespace) -> int:
    from .pythons import parse_python_options, require_interpreters
    from .resolve import constraint_files, resolve, write_constraints

    progress = Progress()
    explicit = parse_python_options(args.python or [])
    channels = [load_channel(find_channel_file(n, args.channels_dir)) for n in channel_names(args)]
    uv = None
    if not args.no_universal:
        from .toolenv import uv_bin

        uv = Path(uv_bin())
    rows = []
    outcomes = []
    for channel in channels:
        log = progress.scoped(f"channel {channel.name}")
        interpreters = require_interpreters(channel.pythons, explicit, f"channel {channel.name}")
        for version, interp in interpreters.items():
            log(f"Python {version}: {interp.full_version} from {interp.source} ({interp.path})")
        started = time.monotonic()
        resolution = resolve(channel, interpreters, args.tools_dir, uv, log, jobs=args.jobs)
        for note in resolution.notes:
            log(note)
        outcomes.append(resolution)
        for result in resolution.results:
            rows.append([channel.name, result.python, result.interpreter.full_version, len(result.resolution.pins), f"{result.seconds:.1f}s"])
        log(f"resolved in {time.monotonic() - started:.1f}s: {len(resolution.merged)} lines in the merged file")
    changed = []
    for resolution in outcomes:
        if args.check:
            for path, text in constraint_files(resolution, args.out_dir).items():
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    changed.append(path)
        else:
            for path in write_constraints(resolution, args.out_dir):
                progress(f"wrote {path}")
    print(table(["channel", "Python", "interpreter", "pins", "pip-compile"], rows))
    if args.check and changed:
        print(f"out of date: {', '.join(map(str, changed))}; run make resolve", file=sys.stderr)
        return 1
    return 0


def add_resolve(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("resolve", help="resolve channels into constraints files (pip-tools on every Python)")
    p.add_argument("channel", nargs="*", help="channel names (default: every channel in channels/)")
    p.add_argument("--python", action="append", metavar="X.Y=PATH", help="use this interpreter (repeatable)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="Pythons resolved at once")
    p.add_argument("--out-dir", type=Path, default=Path("constraints"))
    p.add_argument("--no-universal", action="store_true", help="skip the uv cross-check for other platforms")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if the files would change")
    p.set_defaults(func=cmd_resolve)


# -- new-channel ------------------------------------------------------------------


def cmd_new_channel(args: argparse.Namespace) -> int:
    from .new_channel import propose

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
    else:
        from ._files import atomic_write

        out = Path(args.output or args.channels_dir / f"{args.name}.toml")
        if out.exists() and not args.force:
            raise FlaskLTSError(f"{out} exists; pass --force to overwrite or -o - to print the proposal")
        atomic_write(out, text)
        progress(f"wrote {out}: review it, then make resolve CHANNEL={args.name}")
    return 0


def add_new_channel(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("new-channel", help="propose a channel file from a freeze date (release dates from the index)")
    p.add_argument("name")
    p.add_argument("--freeze-date", required=True, help="YYYY-MM-DD")
    p.add_argument("--groups", type=Path, default=None, help="extension groups catalogue (TOML)")
    p.add_argument("--python", action="append", metavar="X.Y=PATH")
    p.add_argument("-o", "--output", help="file to write, or - for stdout (default channels/<name>.toml)")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=cmd_new_channel)


# -- verify ---------------------------------------------------------------------


def _verify_targets(args: argparse.Namespace) -> list[tuple[object, object, Path, list[str]]]:
    """(channel or None, pinned set, source file, Pythons asked) for each set to verify."""
    from .verify import load_set

    if bool(args.channel) == bool(args.constraints):
        raise FlaskLTSError("verify: give --channel NAME (repeatable) or --constraints FILE, not both and not neither")
    asked = [v for v in args.python or [] if "=" not in v and "/" not in v]
    from .pythons import parse_python_options

    explicit = parse_python_options([v for v in args.python or [] if "=" in v or "/" in v])
    asked += list(explicit)
    if args.constraints:
        if not asked:
            raise FlaskLTSError("verify --constraints: name the Python with --python X.Y")
        source = Path(args.constraints)
        return [(None, load_set(source, None, name=args.name), source, asked)]
    targets = []
    for name in args.channel:
        channel = load_channel(find_channel_file(name, args.channels_dir))
        wanted = [p for p in asked if p in channel.pythons] if asked else list(channel.pythons)
        if asked and len(args.channel) == 1 and len(wanted) < len(asked):
            unclaimed = [p for p in asked if p not in channel.pythons]
            raise FlaskLTSError(
                f"channel {channel.name} does not claim Python {', '.join(unclaimed)} (it claims {', '.join(channel.pythons)})"
            )
        source = args.constraints_dir / f"flask-lts-{channel.name}.txt"
        if wanted:
            targets.append((channel, load_set(source, channel), source, wanted))
    if not targets:
        raise FlaskLTSError(f"verify: no channel among {', '.join(args.channel)} claims Python {', '.join(asked)}")
    return targets


def _longest_first(jobs: list[tuple], reports_dir: Path) -> list[tuple]:
    """Order (set, Python) jobs by the duration of their last report, longest first, so
    that a pool of workers finishes together (jobs with no report yet go first)."""
    from .report import report_path

    def last_seconds(job: tuple) -> float:
        try:
            return float(json.loads(report_path(reports_dir, job[0].name, job[1]).read_text())["seconds"])
        except (OSError, ValueError, KeyError, TypeError):
            return float("inf")

    return sorted(jobs, key=last_seconds, reverse=True)


def known_failure_files(channels_dir: Path, channel: object | None, explicit: Path | None = None) -> list[Path]:
    """Known upstream failures that apply: the common file (what the verification machines
    lack: services, system libraries; true of any set), then the channel's own file (its
    accepted incompatibilities), or the file given with --known-failures instead."""
    folder = channels_dir / "known-failures"
    own = explicit or (folder / f"{channel.name}.toml" if channel is not None else None)  # type: ignore[attr-defined]
    return [p for p in (folder / "common.toml", own) if p is not None and (p.exists() or p is explicit)]


def cmd_verify(args: argparse.Namespace) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from .pythons import find_interpreters, parse_python_options
    from .report import report_path, summary_markdown, write_result, write_summary
    from .verify import STAGES, Options, Problem, StageResult, VerifyResult, verify

    progress = Progress()
    targets = _verify_targets(args)
    stages = list(STAGES) if not args.stages else [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        raise FlaskLTSError(f"verify: unknown stage {unknown[0]!r}; stages are {', '.join(STAGES)}")
    explicit = parse_python_options([v for v in args.python or [] if "=" in v or "/" in v])
    found, skipped = find_interpreters(sorted({p for *_, wanted in targets for p in wanted}), explicit)
    results: list[VerifyResult] = []
    jobs = []
    for channel, pinned, source, wanted in targets:
        options = Options(
            stages=stages, workdir=args.work_dir, apps_dirs=args.apps or [Path("tests/compat")],
            known_failures=known_failure_files(args.channels_dir, channel, args.known_failures), strict=args.strict, sdist_cache=args.sdist_cache,
            testtools_cache=args.testtools_cache,
        )  # fmt: skip
        for python in wanted:
            if python in skipped:
                reason = "; ".join(skipped[python])
                progress(f"skipped: interpreter not found ({reason})", f"{pinned.name} py{python}")
                missing = VerifyResult(pinned.name, str(source), python, "not found", "")
                missing.stages.append(StageResult("install", "error", problems=[Problem(f"Python {python} not found: {reason}")]))
                results.append(missing)
            else:
                progress(f"interpreter {found[python].full_version} ({found[python].path})", f"{pinned.name} py{python}")
                jobs.append((pinned, python, options))

    def one(job: tuple) -> VerifyResult:
        pinned, python, options = job
        return verify(pinned, found[python], options, progress.scoped(f"{pinned.name} py{python}"))

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results += list(pool.map(one, _longest_first(jobs, args.reports_dir)))
    reports = []
    for channel, pinned, source, wanted in targets:
        for result in (r for r in results if r.set_name == pinned.name):
            path = write_result(result, args.reports_dir)
            progress(f"report {path}")
            reports.append(json.loads(path.read_text()))
        all_reports = []
        for python in (channel.pythons if channel else wanted):
            path = report_path(args.reports_dir, pinned.name, python)
            if path.exists():
                all_reports.append(json.loads(path.read_text()))
        write_summary(all_reports, args.reports_dir / pinned.name / "summary.md")
    print(summary_markdown(reports))
    print(f"{len(reports)} verification(s) in {time.monotonic() - progress.started:.0f}s wall, {args.jobs} at a time")
    return 0 if all(r.status == "pass" for r in results) else 1


def add_verify(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="verify a channel or any pinned set in fresh environments")
    p.add_argument("--channel", action="append", help="channel name (verifies constraints/flask-lts-<name>.txt); repeatable: one pool of workers runs every channel's Pythons")
    p.add_argument("--constraints", help="any fully pinned file (constraints or pip freeze)")
    p.add_argument("--name", help="report name for --constraints (default: the file's stem)")
    p.add_argument("--python", action="append", metavar="X.Y[=PATH]", help="Python(s) to verify on (default: the channel's)")
    p.add_argument("--stages", help="comma-separated subset of: install,pip-check,imports,apps,upstream")
    p.add_argument("--strict", action="store_true", help="warnings fail the stage")
    # Twice the cores: a verification waits a good part of its time (suites that sleep,
    # index round trips, subprocess start-up), so two per core keep the cores busy.
    # Measured on 2 cores (docs/benchmarks.md): 2 at once 738 s, 3 683 s, 4 646 s, 5 696 s.
    p.add_argument("--jobs", type=int, default=2 * (os.cpu_count() or 1), help="verifications at once (default: twice the cores)")
    p.add_argument("--apps", action="append", type=Path, help="directory of app test modules (repeatable)")
    p.add_argument("--known-failures", type=Path, help="known upstream failures (TOML)")
    p.add_argument("--constraints-dir", type=Path, default=Path("constraints"))
    p.add_argument("--reports-dir", type=Path, default=Path("reports"))
    p.add_argument("--work-dir", type=Path, default=Path(".cache/verify"))
    p.add_argument("--sdist-cache", type=Path, default=Path(".cache/sdists"), help="where the suites' sdists are kept")
    p.add_argument("--testtools-cache", type=Path, default=Path(".cache/testtools"), help="resolved and installed test tools")
    p.set_defaults(func=cmd_verify)


def cmd_merge(args: argparse.Namespace) -> int:
    from .report import load_reports, summary_markdown, write_summary

    reports = load_reports(args.paths)
    text = write_summary(reports, args.output) if args.output else summary_markdown(reports)
    print(text)
    return 0 if all(r["status"] == "pass" for r in reports) else 1


def add_merge(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("merge-reports", help="combine verification JSON reports into one summary")
    p.add_argument("paths", nargs="+", type=Path, help="report files or directories")
    p.add_argument("-o", "--output", type=Path, help="write the Markdown summary here")
    p.set_defaults(func=cmd_merge)


# -- refresh ----------------------------------------------------------------------


def cmd_refresh(args: argparse.Namespace) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from .pythons import parse_python_options, require_interpreters
    from .refresh import apply, changes_table, plan
    from .report import write_result
    from .verify import STAGES, Options, load_set, verify

    progress = Progress()
    channel = load_channel(find_channel_file(args.channel, args.channels_dir))
    current = args.constraints_dir / f"flask-lts-{channel.name}.txt"
    interpreters = require_interpreters(channel.pythons, parse_python_options(args.python or []), f"channel {channel.name}")
    advisories = None
    if not args.no_advisories:
        from .audit import default_advisory_dirs, load_advisories

        dirs = args.advisories or default_advisory_dirs()
        advisories = load_advisories(*dirs) if dirs else None
    from .toolenv import uv_bin

    uv = None if args.no_universal else Path(uv_bin())
    log = progress.scoped(f"refresh {channel.name}")
    refresh_plan = plan(channel, current, interpreters, args.tools_dir, uv, advisories, log, jobs=args.jobs)
    for line in refresh_plan.yanked:
        log(f"WARNING: {line}")
    print(changes_table(refresh_plan))
    if not refresh_plan.changes or args.dry_run:
        return 0
    stages = [s.strip() for s in args.stages.split(",")] if args.stages else list(STAGES)
    new_channel = refresh_plan.new_channel

    def verify_candidate(path: Path) -> list[dict]:
        pinned = load_set(path, new_channel, name=f"{channel.name}-candidate")
        options = Options(stages=stages, workdir=args.work_dir, known_failures=known_failure_files(args.channels_dir, new_channel))
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(
                lambda p: verify(pinned, interpreters[p], options, progress.scoped(f"candidate {channel.name} py{p}")),
                channel.pythons,
            ))  # fmt: skip
        return [json.loads(write_result(r, args.reports_dir).read_text()) for r in results]

    for path in apply(refresh_plan, args.constraints_dir, verify_candidate):
        progress(f"wrote {path}")
    if (Path("docker") / channel.name).is_dir() and args.constraints_dir == Path("constraints"):
        # The base images pin the channel too: regenerate their files from the new constraints.
        from ._files import atomic_write_many
        from .channel import load_channels
        from .docker import generate

        files = generate(load_channels(args.channels_dir), args.constraints_dir, Path("."))
        atomic_write_many(files)
        progress(f"regenerated {len(files)} Docker files (docker/, docker-bake.hcl)")
    progress(f"channel {channel.name} is now serial {new_channel.version}")
    return 0


def add_refresh(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("refresh", help="bring in patch releases inside the frozen series, after re-verifying")
    p.add_argument("channel")
    p.add_argument("--dry-run", action="store_true", help="show the changes and stop")
    p.add_argument("--python", action="append", metavar="X.Y=PATH")
    p.add_argument("--stages", help="verification stages for the candidate (default: all)")
    p.add_argument("--advisories", action="append", type=Path, help="OSV advisory directory (repeatable)")
    p.add_argument("--no-advisories", action="store_true")
    p.add_argument("--no-universal", action="store_true")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    p.add_argument("--constraints-dir", type=Path, default=Path("constraints"))
    p.add_argument("--reports-dir", type=Path, default=Path("reports"))
    p.add_argument("--work-dir", type=Path, default=Path(".cache/verify"))
    p.set_defaults(func=cmd_refresh)


# -- publish-constraints and site ---------------------------------------------------


def add_site(sub: argparse._SubParsersAction) -> None:
    from .site import add_publish_arguments, add_site_arguments, run_publish, run_site

    p = sub.add_parser("publish-constraints", help="add each channel's current serial to published/ (a published serial never changes)")
    add_publish_arguments(p)
    p.set_defaults(func=run_publish)
    p = sub.add_parser("site", help="build the static site (site/) from channels/, published/, reports/ and advisories")
    add_site_arguments(p)
    p.set_defaults(func=run_site)


# -- entry point ----------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="flask-lts-tools", description=__doc__)
    parser.add_argument("--channels-dir", type=Path, default=Path("channels"))
    parser.add_argument("--tools-dir", type=Path, default=Path(".cache/tools"))
    sub = parser.add_subparsers(dest="command", required=True)
    add_resolve(sub)
    add_new_channel(sub)
    add_verify(sub)
    add_merge(sub)
    add_refresh(sub)
    add_site(sub)
    from . import advisories, audit, dist, docker, publish

    for command, module in (("audit", audit), ("advisories", advisories), ("dist", dist), ("publish", publish), ("dockerfiles", docker)):
        p = sub.add_parser(command, help=(module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else None)
        module.add_arguments(p)
        p.set_defaults(func=module.run)
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


if __name__ == "__main__":
    sys.exit(main())
