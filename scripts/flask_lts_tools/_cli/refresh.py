"""flask-lts-tools refresh: patch releases inside the frozen series, after re-verifying."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from .. import _layout as layout
from .._output import Progress
from ..channel import find_channel_file, load_channel


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("refresh", help="bring in patch releases inside the frozen series, after re-verifying")
    p.add_argument("channel", nargs="*", help="channel names (default: every channel in channels/)")
    p.add_argument("--dry-run", action="store_true", help="show the changes and stop")
    p.add_argument("--python", action="append", metavar="X.Y=PATH")
    p.add_argument("--stages", help="verification stages for the candidate (default: all)")
    p.add_argument("--advisories", action="append", type=Path, help="OSV advisory directory (repeatable)")
    p.add_argument("--no-advisories", action="store_true")
    p.add_argument("--no-universal", action="store_true", help="skip uv --universal (what only other platforms need)")
    p.add_argument("--full", action="store_true", help="resolve even when the index offers nothing newer than the pins")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    p.add_argument("--constraints-dir", type=Path, default=layout.CONSTRAINTS)
    p.add_argument("--reports-dir", type=Path, default=layout.REPORTS)
    p.add_argument("--work-dir", type=Path, default=layout.VERIFY_WORK)
    p.add_argument("--api-diff", action=argparse.BooleanOptionalAction, default=True,
                   help="show each changed pin's public API difference (fetches both releases; default: on)")
    p.add_argument("--api-cache", type=Path, default=layout.API_DIFF, help="where releases are unpacked for the API difference")
    p.add_argument("--registry", type=Path, default=layout.CANARIES, help="the canary registry")
    p.add_argument("--canary-python", metavar="X.Y", help="Python the canary gate runs on (default: the channel's default Python)")
    p.add_argument("--sdist-cache", type=Path, default=layout.SDISTS)
    p.add_argument("--testtools-cache", type=Path, default=layout.TESTTOOLS)
    p.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from ._common import channel_names

    progress = Progress()
    from ..verify import parse_stages

    parse_stages(args.stages)  # a misspelt stage stops here, before any work
    names = channel_names(args)
    if len(names) > 1 and not args.dry_run:
        from .._exceptions import RefreshError

        raise RefreshError(f"refresh writes one channel at a time: name one of {', '.join(names)} (or use --dry-run)")
    status = 0
    for name in names:
        status = max(status, refresh_one(args, name, progress))
    progress(f"{len(names)} channel(s) in {time.monotonic() - progress.started:.1f}s")
    return status


def refresh_one(args: argparse.Namespace, name: str, progress: Progress) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from ..pythons import parse_python_options, require_interpreters
    import dataclasses

    from .._exceptions import RefreshError
    from ..canaries import gate, load_canaries, select, summary_markdown, write_run
    from ..canaries._gate import judge_upstream
    from ..channel import Hold
    from ..refresh import apply, changes_table, plan, write_holds_only
    from ..report import write_result
    from ..toolenv import uv_bin
    from ..verify import Options, load_set, parse_stages, verify

    stages = parse_stages(args.stages)
    channel = load_channel(find_channel_file(name, args.channels_dir))
    current = layout.constraints_file(channel.name, args.constraints_dir)
    interpreters = require_interpreters(channel.pythons, parse_python_options(args.python or []), f"channel {channel.name}")
    advisories = None
    if not args.no_advisories:
        from ..audit import default_advisory_dirs, load_advisories

        dirs = args.advisories or default_advisory_dirs()
        advisories = load_advisories(*dirs) if dirs else None
    log = progress.scoped(f"refresh {channel.name}")
    refresh_plan = plan(
        channel, current, interpreters, args.tools_dir, Path(uv_bin()), advisories, log, jobs=args.jobs,
        universal=not args.no_universal, quick=not args.full, api_diff=args.api_diff, api_cache=args.api_cache,
    )  # fmt: skip
    for line in refresh_plan.yanked:
        log(f"WARNING: {line}")
    print(changes_table(refresh_plan))
    if not refresh_plan.changes or args.dry_run:
        return 0
    new_channel = refresh_plan.new_channel

    from ..backports._local import LocalIndexes, point_at
    from ..constraints import index_urls

    served = LocalIndexes(layout.PACKAGES)

    def candidate_index(path: Path) -> tuple[str, ...]:
        """A candidate pinning the channel's backport builds installs them from the channel's index as
        the site will serve it, here, before the site is deployed: served once, the staged copy pointed
        at it. The index lines pip reads then (none when the candidate names no index)."""
        if not index_urls(path.read_text(encoding="utf-8")):
            return ()
        base = served.base(channel.name)
        replaced = point_at(path.parent, channel.name, base)
        if replaced:
            log(f"the candidate's index {', '.join(replaced)} is served from {layout.packages_folder(channel.name)} on {base}")
        return tuple(index_urls(path.read_text(encoding="utf-8")))

    def verify_candidate(path: Path) -> list[dict]:
        candidate_index(path)
        return _verify(path)

    def _verify(path: Path) -> list[dict]:
        import json

        pinned = load_set(path, new_channel, name=f"{channel.name}-candidate")
        options = Options(
            stages=stages, workdir=args.work_dir,
            known_failures=layout.known_failure_files(new_channel.name, None, args.channels_dir),
        )  # fmt: skip
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(
                lambda p: verify(pinned, interpreters[p], options, progress.scoped(f"candidate {channel.name} py{p}")),
                channel.pythons,
            ))  # fmt: skip
        return [json.loads(write_result(r, args.reports_dir).read_text()) for r in results]

    canaries = select(load_canaries(args.registry), channel.name, None)
    canary_python = args.canary_python or channel.default_python
    if canary_python not in interpreters:
        interpreters.update(require_interpreters([canary_python], parse_python_options(args.python or []), f"channel {channel.name} canaries"))

    def check_canaries(path: Path) -> list[Hold]:
        """The canary gate: holds for regressions bisected to one changed pin; anything else that
        regressed stops the refresh."""
        if not canaries:
            log(f"no canaries apply to channel {channel.name} (registry {args.registry})")
            return []
        # the verdicts' baseline and bisection sets name the served index too (they pin the builds)
        options = Options(workdir=args.work_dir, sdist_cache=args.sdist_cache, testtools_cache=args.testtools_cache, index_urls=candidate_index(path))
        changed = {c.package: (c.old, c.new) for c in current_plan.changes}
        outcome = gate(canaries, new_channel, path, current, interpreters[canary_python], options, args.jobs, progress, changed)
        gate_runs.append(outcome.run)
        print(summary_markdown(outcome.run))
        for line in outcome.reported:
            log(f"canaries (not blocking): {line}")
        for hold in outcome.holds:
            log(f"canaries: hold {hold.package} at {hold.held_at}, refusing {hold.refused} ({', '.join(hold.canaries)})")
        if outcome.blocking:
            raise RefreshError(
                f"channel {channel.name}: the refreshed set regresses canaries on Python {canary_python}: "
                + "; ".join(outcome.blocking[:3]) + "; nothing was written"
            )
        return outcome.holds

    def judge_failures(path: Path, python: str, problems: list[dict]) -> tuple[list[Hold], list[str]]:
        """Verdicts for the packages' own suites' failing tests (as for canaries): holds, or what blocks."""
        options = Options(workdir=args.work_dir, sdist_cache=args.sdist_cache, testtools_cache=args.testtools_cache, index_urls=candidate_index(path))
        changed = {c.package: (c.old, c.new) for c in current_plan.changes}
        holds, blocking = judge_upstream(problems, new_channel, path, current, interpreters[python], options, log, changed)
        for hold in holds:
            log(f"upstream suites: hold {hold.package} at {hold.held_at}, refusing {hold.refused} ({', '.join(hold.canaries)})")
        return holds, blocking

    with served:  # the channel's index, while a candidate may install from it
        gate_runs: list = []
        holds: list[Hold] = []
        current_plan = refresh_plan
        for round_ in range(1, MAX_HOLD_ROUNDS + 1):
            current_plan.holds = list(holds)
            written = apply(
                current_plan, args.constraints_dir, verify_candidate, docker_root=Path("."), check_canaries=check_canaries,
                judge_failures=judge_failures,
            )  # fmt: skip
            if written:
                for path in written:
                    progress(f"wrote {path}")
                progress(f"channel {channel.name} is now serial {new_channel.version}" + (f" ({len(holds)} release(s) held)" if holds else ""))
                if gate_runs and args.constraints_dir.resolve() == layout.CONSTRAINTS.resolve():
                    # the gate's last run is the new serial's canary report: same pins, same Python
                    run = gate_runs[-1]
                    run.set_name, run.serial = channel.name, new_channel.version
                    run.source = str(layout.constraints_file(channel.name, args.constraints_dir))
                    report = write_run(
                        run, layout.canary_report_file(channel.name, canary_python, args.reports_dir),
                        layout.canary_summary_file(channel.name, canary_python, args.reports_dir),
                    )  # fmt: skip
                    progress(f"wrote {report} (the canaries of serial {new_channel.version})")
                return 0
            holds += current_plan.found_holds
            held_channel = dataclasses.replace(channel, held=channel.held + tuple(holds))
            log(f"round {round_}: {len(current_plan.found_holds)} new hold(s); resolving again without the refused release(s)")
            current_plan = plan(
                held_channel, current, interpreters, args.tools_dir, Path(uv_bin()), advisories, log, jobs=args.jobs,
                universal=not args.no_universal, quick=not args.full, api_diff=args.api_diff, api_cache=args.api_cache,
            )  # fmt: skip
            print(changes_table(current_plan))
            if not current_plan.changes:
                current_plan.holds = list(holds)
                for path in write_holds_only(current_plan):
                    progress(f"wrote {path} (every new release is held; the pins and the serial stay)")
                return 0
        raise RefreshError(f"channel {channel.name}: still regressing canaries after {MAX_HOLD_ROUNDS} rounds of holds; nothing was written")

MAX_HOLD_ROUNDS = 5
