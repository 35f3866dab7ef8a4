"""Canary shards: the canaries of one (channel, Python) split into N parts of similar time,
so that N machines run them at once (CI's matrix), and the N shard reports merged back
into the one report an unsharded run writes.

The split is a pure function of the selection and the last report's times: every CI job
computes it alone and they all agree. Longest first, each canary to the shard with the
least time so far (fewest canaries on a tie, then the lowest number); a canary the last
report did not time counts as the mean of those it did, and without a report every
canary counts the same, so the canaries, sorted by name, are dealt round-robin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from .._exceptions import ShardError
from ._registry import Canary
from ._report import load_run
from ._run import CanaryRun

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    index: int  # 1 .. count
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """`I/N` of --shard, 1 <= I <= N; ShardError says what is wrong and what to write."""
    match = _SHARD.match(text)
    if not match:
        raise ShardError(f"--shard {text!r}: not I/N; write the shard's number and the number of shards, e.g. --shard 1/3")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1:
        raise ShardError(f"--shard {text}: N, the number of shards, must be at least 1, e.g. --shard 1/3")
    if not 1 <= index <= count:
        raise ShardError(f"--shard {text}: I, the shard's number, must be from 1 to {count}, e.g. --shard 1/{count}")
    return Shard(index, count)


def estimates(canaries: Sequence[Canary], previous: CanaryRun | None) -> dict[str, float]:
    """Each canary's expected seconds: its time in the last report, else the mean of the timed ones."""
    timed = {c.name: c.seconds for c in previous.canaries} if previous is not None else {}
    known = [timed[c.name] for c in canaries if c.name in timed]
    default = sum(known) / len(known) if known else 0.0
    return {c.name: float(timed.get(c.name, default)) for c in canaries}


def split(canaries: Sequence[Canary], count: int, seconds: Mapping[str, float]) -> list[list[Canary]]:
    """`count` shards, each in the canaries' own (registry) order; every canary in exactly one."""
    loads = [(0.0, 0)] * count  # (seconds, canaries) per shard
    chosen: dict[str, int] = {}
    for canary in sorted(canaries, key=lambda c: (-seconds.get(c.name, 0.0), c.name)):
        shard = min(range(count), key=lambda i: (loads[i], i))
        chosen[canary.name] = shard
        loads[shard] = (loads[shard][0] + seconds.get(canary.name, 0.0), loads[shard][1] + 1)
    return [[c for c in canaries if chosen[c.name] == i] for i in range(count)]


def shard_of(canaries: Sequence[Canary], shard: Shard, seconds: Mapping[str, float]) -> list[Canary]:
    """The canaries of one shard."""
    return split(canaries, shard.count, seconds)[shard.index - 1]


def plan_shard(selection: Sequence[Canary], shard: Shard, last_report: Path | None) -> tuple[list[Canary], dict]:
    """One shard's canaries, balanced on the times of the last report (when there is one), and
    the record its report carries: which shard, of what selection, and its expected time."""
    seconds = estimates(selection, load_run(last_report) if last_report is not None and last_report.is_file() else None)
    canaries = shard_of(selection, shard, seconds)
    record = {
        "index": shard.index, "count": shard.count, "of": [c.name for c in selection],
        "estimated_seconds": round(sum(seconds[c.name] for c in canaries), 1),
    }  # fmt: skip
    return canaries, record


def _same(runs: Sequence[tuple[Path, CanaryRun]], what: str, value) -> None:
    first_path, first = runs[0]
    for path, run in runs[1:]:
        if value(run) != value(first):
            raise ShardError(
                f"{path}: {what} {value(run)!r}, but {first_path} has {value(first)!r}; "
                "merge only the shards of one run (remake the odd one with flask-lts-tools canaries --shard)"
            )


def merge_shards(runs: Sequence[tuple[Path, CanaryRun]]) -> CanaryRun:
    """The one run that the shard reports (path, run) make together, as an unsharded run
    reports it; ShardError when a shard is missing, duplicated or from another run."""
    if not runs:
        raise ShardError("no shard reports to merge; run flask-lts-tools canaries --shard I/N for each shard first")
    for path, run in runs:
        if not run.shard:
            raise ShardError(f"{path}: not a shard report (no shard in it); merge the py<X.Y>.shard-I-of-N.json files")
    _same(runs, "is of channel", lambda r: r.channel)
    _same(runs, "is of Python", lambda r: r.python)
    _same(runs, "ran the constraints of serial", lambda r: r.serial)
    _same(runs, "ran the pinned set", lambda r: (r.set_name, r.source))
    _same(runs, "is one of a number of shards", lambda r: r.shard["count"])
    _same(runs, "split the canaries", lambda r: r.shard["of"])
    first_path, first = runs[0]
    count = first.shard["count"]
    by_index: dict[int, Path] = {}
    for path, run in runs:
        index = run.shard["index"]
        if index in by_index:
            raise ShardError(f"{path}: shard {index}/{count} again (also {by_index[index]}); merge each shard once")
        by_index[index] = path
    missing = [i for i in range(1, count + 1) if i not in by_index]
    if missing:
        shard = f"{missing[0]}/{count}"
        raise ShardError(
            f"shard {shard} of channel {first.channel} on Python {first.python} is missing ({len(missing)} of {count} in all); "
            f"run flask-lts-tools canaries --channel {first.channel} --python {first.python} --shard {shard}"
        )
    order = {name: i for i, name in enumerate(first.shard["of"])}
    seen: dict[str, Path] = {}
    for path, run in runs:
        for result in run.canaries:
            if result.name not in order:
                raise ShardError(f"{path}: canary {result.name} is not in the shards' selection; remake the shard")
            if result.name in seen:
                raise ShardError(f"{path}: canary {result.name} is also in {seen[result.name]}; the shards overlap, remake them")
            seen[result.name] = path
    absent = [name for name in first.shard["of"] if name not in seen]
    if absent:
        raise ShardError(f"no shard report has canary {absent[0]} ({len(absent)} missing in all); remake the shards with one registry")
    ordered = sorted(runs, key=lambda pr: pr[1].shard["index"])
    results = sorted((r for _, run in ordered for r in run.canaries), key=lambda r: order[r.name])
    verdicts = sorted((v for _, run in ordered for v in run.verdicts), key=lambda v: order.get(v["canary"], len(order)))
    interpreters = list(dict.fromkeys(run.interpreter for _, run in ordered))
    baselines = list(dict.fromkeys(run.baseline for _, run in ordered if run.baseline))
    return CanaryRun(
        set_name=first.set_name, channel=first.channel, source=first.source, python=first.python,
        interpreter="; ".join(interpreters), started=min(run.started for _, run in ordered),
        seconds=max(run.seconds for _, run in ordered), canaries=results, baseline="; ".join(baselines),
        verdicts=verdicts, serial=first.serial,
        shards=[
            {"index": run.shard["index"], "count": count, "started": run.started, "seconds": run.seconds,
             "canaries": [r.name for r in run.canaries]}
            for _, run in ordered
        ],
    )  # fmt: skip
