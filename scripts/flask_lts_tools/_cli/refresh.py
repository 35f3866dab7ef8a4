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
    from ..refresh import apply, changes_table, plan
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

    def verify_candidate(path: Path) -> list[dict]:
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

    for path in apply(refresh_plan, args.constraints_dir, verify_candidate, docker_root=Path(".")):
        progress(f"wrote {path}")
    progress(f"channel {channel.name} is now serial {new_channel.version}")
    return 0
