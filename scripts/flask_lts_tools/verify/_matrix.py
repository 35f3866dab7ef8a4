"""Many verifications at once: every (pinned set, Python) asked, one pool of workers.

`targets(...)` turns what a maintainer named (channels, or one pinned file, and Pythons)
into the sets to verify; `verify_matrix(...)` runs them, longest first, so that the
pool finishes together, and reports a Python that is not installed as an error result
instead of stopping the others.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from .. import _layout as layout
from .._exceptions import FlaskLTSError
from ..channel import Channel
from ..pythons import Interpreter
from ._context import Log, Options
from ._model import PinnedSet, Problem, StageResult, VerifyResult, load_set
from ._run import verify


@dataclass
class Target:
    """One pinned set and the Pythons to verify it on."""

    pinned: PinnedSet
    pythons: list[str]
    channel: Channel | None = None

    @property
    def all_pythons(self) -> Sequence[str]:
        """Every Python the set is reported on: a channel's claimed ones, else those asked."""
        return self.channel.pythons if self.channel else self.pythons


def targets(
    channels: Sequence[Channel], constraints: Path | None, pythons: Sequence[str],
    name: str | None = None, constraints_dir: Path = layout.CONSTRAINTS,
) -> list[Target]:  # fmt: skip
    """The sets to verify: each channel's merged constraints on the Pythons asked (default:
    all it claims), or one pinned file on the Pythons asked (at least one)."""
    if bool(channels) == bool(constraints):
        raise FlaskLTSError("verify: give --channel NAME (repeatable) or --constraints FILE, not both and not neither")
    if constraints is not None:
        if not pythons:
            raise FlaskLTSError("verify --constraints: name the Python with --python X.Y")
        return [Target(load_set(constraints, None, name=name), list(pythons))]
    found = []
    for channel in channels:
        wanted = [p for p in pythons if p in channel.pythons] if pythons else list(channel.pythons)
        if pythons and len(channels) == 1 and len(wanted) < len(pythons):
            unclaimed = [p for p in pythons if p not in channel.pythons]
            raise FlaskLTSError(
                f"channel {channel.name} does not claim Python {', '.join(unclaimed)} (it claims {', '.join(channel.pythons)})"
            )
        if wanted:
            found.append(Target(load_set(layout.constraints_file(channel.name, constraints_dir), channel), wanted, channel))
    if not found:
        raise FlaskLTSError(f"verify: no channel among {', '.join(c.name for c in channels)} claims Python {', '.join(pythons)}")
    return found


def longest_first(jobs: list[tuple[PinnedSet, str]], reports_dir: Path) -> list[tuple[PinnedSet, str]]:
    """Order (set, Python) jobs by the duration of their last report, longest first, so
    that a pool of workers finishes together (jobs with no report yet go first)."""

    def last_seconds(job: tuple[PinnedSet, str]) -> float:
        try:
            return float(json.loads(layout.report_file(job[0].name, job[1], reports_dir).read_text())["seconds"])
        except (OSError, ValueError, KeyError, TypeError):
            return float("inf")

    return sorted(jobs, key=last_seconds, reverse=True)


def verify_matrix(
    found: Sequence[Target], interpreters: dict[str, Interpreter], skipped: dict[str, list[str]],
    options_for: Callable[[Target], Options], jobs: int, progress: Callable[[str, str], None],
    reports_dir: Path = layout.REPORTS,
) -> list[VerifyResult]:  # fmt: skip
    """Every (set, Python) of `found`, `jobs` at a time; a Python not found is an error result."""
    results: list[VerifyResult] = []
    work = []
    options = {}
    for target in found:
        options[target.pinned.name] = options_for(target)
        for python in target.pythons:
            scope = f"{target.pinned.name} py{python}"
            if python in skipped:
                reason = "; ".join(skipped[python])
                progress(f"skipped: interpreter not found ({reason})", scope)
                missing = VerifyResult(target.pinned.name, str(target.pinned.path), python, "not found", "")
                missing.stages.append(StageResult("install", "error", problems=[Problem(f"Python {python} not found: {reason}")]))
                results.append(missing)
            else:
                progress(f"interpreter {interpreters[python].full_version} ({interpreters[python].path})", scope)
                work.append((target.pinned, python))

    def one(job: tuple[PinnedSet, str]) -> VerifyResult:
        pinned, python = job
        log: Log = lambda message: progress(message, f"{pinned.name} py{python}")  # noqa: E731
        return verify(pinned, interpreters[python], options[pinned.name], log)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results += list(pool.map(one, longest_first(work, reports_dir)))
    return results
