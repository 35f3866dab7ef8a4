"""flask-lts-tools scan-measure: `flask-lts scan`'s predictions against real projects' suites."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import _layout as layout
from .._output import Progress
from ..channel import find_channel_file, load_channel


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan-measure", help="run real projects' suites across a channel move and score flask-lts scan's predictions and --fix")
    p.add_argument("--from", dest="old", required=True, help="the channel the projects work on")
    p.add_argument("--to", dest="new", required=True, help="the channel they move to")
    p.add_argument("--python", metavar="X.Y", help="Python to run on (default: the old channel's default, if the new one supports it)")
    p.add_argument("--subject", action="append", help="only this project (repeatable); the report is then not written unless --output")
    p.add_argument("--subjects", type=Path, default=layout.SCAN_SUBJECTS)
    p.add_argument("--registry", type=Path, default=layout.CANARIES)
    p.add_argument("--output", type=Path, help="report file (default: reports/scan/<from>-to-<to>.json, and .md beside it)")
    p.add_argument("--rejudge", action="store_true", help="run nothing: judge the written report again with the verdicts of the subjects file")
    p.add_argument("--constraints-dir", type=Path, default=layout.CONSTRAINTS)
    p.add_argument("--work-dir", type=Path, default=layout.VERIFY_WORK)
    p.add_argument("--sdist-cache", type=Path, default=layout.SDISTS)
    p.add_argument("--testtools-cache", type=Path, default=layout.TESTTOOLS)
    p.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from ..pythons import require_interpreters
    from ..scan_measure import common_python, load_subjects, markdown, measure, rejudge, write_measurement
    from ..verify import Options

    progress = Progress()
    old = load_channel(find_channel_file(args.old, args.channels_dir))
    new = load_channel(find_channel_file(args.new, args.channels_dir))
    subjects = load_subjects(old.name, new.name, args.subject, args.subjects, args.registry)
    if args.rejudge:
        path = args.output or layout.scan_measure_file(old.name, new.name)
        result = rejudge(path, subjects)
        progress(f"report {write_measurement(result, path)} judged again")
        print(markdown(result))
        return 0
    python = args.python or common_python(old, new)
    interpreter = require_interpreters([python], {}, f"channels {old.name} and {new.name}")[python]
    options = Options(workdir=args.work_dir, sdist_cache=args.sdist_cache, testtools_cache=args.testtools_cache)
    from ..backports._local import LocalIndexes

    progress(f"{len(subjects)} projects, {old.name} -> {new.name}, Python {python}, one at a time")
    output = args.output or (None if args.subject else layout.scan_measure_file(old.name, new.name))
    save = (lambda m: write_measurement(m, output)) if output else None  # after each project
    # A channel whose files pin its own builds names its index on the site, which this machine may
    # not reach: that index is served here from packages/<channel>/ and pip reads a copy pointed at it.
    with LocalIndexes(layout.PACKAGES, lambda m: progress(m, "index")) as indexes:
        constraints = tuple(
            indexes.constraints(c.name, path) or path
            for c, path in ((old, layout.constraints_file(old.name, args.constraints_dir)), (new, layout.constraints_file(new.name, args.constraints_dir)))
        )  # fmt: skip
        result = measure(subjects, old, new, (constraints[0], constraints[1]), interpreter, options, progress, save)
    if output:
        progress(f"report {write_measurement(result, output)}")
    print(markdown(result))
    return 0
