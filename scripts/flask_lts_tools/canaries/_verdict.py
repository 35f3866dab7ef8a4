"""Verdicts that mean something (crater's model): a failing test is judged against a baseline.

- **baseline**: the channel's previous published serial; for a first serial, the channel's
  set as the package index stood on its release date (uv `--exclude-newer`, every package
  inside its frozen series).
- A test that failed under the set (after the rerun that tells flaky tests apart, which are
  **spurious**) is run again under the baseline: passes there, **regressed**; fails there
  too, **broken** (reported, not blocking).
- For regressed tests, the pins that differ between baseline and set are bisected: each step
  runs the regressed tests under the baseline with half of the differing pins moved to the
  set's versions, until one pin is left that alone brings the failure: the **culprit**.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from packaging.utils import NormalizedName

from .. import _layout as layout
from .._exceptions import FlaskLTSError
from ..channel import Channel
from ..constraints import Pin, pins_for, read_pins
from ..backports._index import with_index
from ..constraints_writer import render
from ..pythons import Interpreter
from ..verify import Options, PinnedSet
from ..verify.stages.upstream.catalogue import Catalogue
from ._registry import Canary
from ._run import CanaryResult, CanaryRun, run_canary

Log = Callable[[str], None]


@dataclass
class Culprit:
    package: str
    baseline: str | None  # its version in the baseline (None: not there)
    candidate: str | None  # its version in the set
    tests: list[str]
    steps: int  # suite runs the bisection took


@dataclass
class Verdict:
    canary: str
    regressed: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    culprit: Culprit | None = None
    notes: list[str] = field(default_factory=list)


def baseline_pins(
    channel: Channel, python: str, interpreter: Interpreter, archive_dir: Path = layout.PUBLISHED,
) -> tuple[dict[NormalizedName, Pin], str]:  # fmt: skip
    """The baseline's pins for one Python, and where they come from."""
    from ..site import read_archive

    older = [s for s in read_archive(archive_dir).get(channel.name, []) if s.serial < channel.serial]
    if older:
        previous = older[-1]
        path = previous.path / layout.constraints_name(channel.name)
        return pins_for(read_pins(path), python), f"serial {previous.version} ({path})"
    from ..new_channel import compile_as_of

    seeds = []
    for package in channel.series:
        series = channel.allowed_series(package, python)
        if series:
            seeds.append(f"{channel.display_name(package)}=={series}.*")
    pins = compile_as_of(seeds, channel.release_date, python, interpreter.path, universal=False)
    return {p.name: p for p in pins}, f"the set as the package index stood on the release date {channel.release_date}"


def write_pins(pins: Mapping[NormalizedName, Pin], path: Path, title: str, index_urls: Sequence[str] = ()) -> Path:
    """A plain constraints file of one Python's pins (no markers), naming `index_urls` (the
    channel's own index, served here, when the pins may be its builds: docs/backports.md)."""
    plain = [dataclasses.replace(p, marker=None, hashes=(), via=()) for _, p in sorted(pins.items())]
    text = render(f"# {title}", plain, annotate=False)
    for url in index_urls:
        text = with_index(text, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _failing_under(
    canary: Canary, version: str, pins: Mapping[NormalizedName, Pin], name: str, channel: Channel, tests: Sequence[str],
    interpreter: Interpreter, options: Options, catalogue: Catalogue, log: Log,
) -> set[str] | None:  # fmt: skip
    """The `tests` that fail with the canary under these pins; None if the canary does not
    install or its suite does not run there (no verdict can be drawn from it)."""
    path = write_pins(pins, options.workdir.resolve() / "canary-sets" / f"{name}.txt", f"{name} ({canary.name} bisection)", options.index_urls)
    modules = tuple(sorted({module_of(t) for t in tests}))
    narrowed = dataclasses.replace(
        canary, suite=dataclasses.replace(canary.suite, run=modules, subset="the modules of the tests being judged"),
    )  # fmt: skip
    pinned = PinnedSet(name, path, read_pins(path), channel)
    result: CanaryResult = run_canary(narrowed, version, pinned, interpreter, options, catalogue, log)
    if result.status == "error" or not result.tests:
        log(f"{name}: no verdict ({result.problems[0]['message'].splitlines()[0] if result.problems else 'no tests ran'})")
        return None
    suite_dir = options.workdir.resolve() / f"canary-{name}-py{interpreter.version}-{canary.name}" / "upstream" / canary.distribution
    if not all((suite_dir / module_of(t)).is_file() for t in tests):
        log(f"{name}: no verdict (not every test's module ran: {', '.join(t for t in tests if not (suite_dir / module_of(t)).is_file())})")
        return None  # a test that did not run has not passed
    return {t for t in tests if t in result.failing or module_of(t) in {module_of(f) for f in result.failing if "::" not in f}}


def module_of(test: str) -> str:
    """The test module's path of a node id (`tests/test_x.py::T::t`), or of a collection
    failure that junit names by its dotted module (`tests.test_x`)."""
    if "::" in test or test.endswith(".py"):
        return test.split("::", 1)[0]
    return test.replace(".", "/") + ".py"


def judge(
    run: CanaryRun, canaries: Sequence[Canary], channel: Channel, interpreter: Interpreter, options: Options,
    catalogue: Catalogue, log: Log, archive_dir: Path = layout.PUBLISHED, bisect: bool = True,
    baseline_file: Path | None = None,
) -> list[Verdict]:  # fmt: skip
    """A verdict for every canary of `run` that failed or had flaky tests; the baseline is
    `baseline_file` when given (a refresh's current constraints), else `baseline_pins`."""
    by_name = {c.name: c for c in canaries}
    python = interpreter.version
    candidate = pins_for(read_pins(Path(run.source)), python)
    baseline: dict[NormalizedName, Pin] | None = None
    verdicts = []
    for result in run.canaries:
        verdict = Verdict(result.name, spurious=list(result.flaky))
        if not result.failing:
            if verdict.spurious:
                verdicts.append(verdict)
            continue
        if baseline is None:
            try:
                if baseline_file is not None:
                    baseline, where = pins_for(read_pins(baseline_file), python), f"the current constraints ({baseline_file})"
                else:
                    baseline, where = baseline_pins(channel, python, interpreter, archive_dir)
            except FlaskLTSError as exc:
                verdict.notes.append(f"no baseline: {exc}")
                verdicts.append(verdict)
                continue
            log(f"baseline: {where}")
            run.baseline = where
        canary = by_name[result.name]
        failing = _failing_under(canary, result.version, baseline, f"{channel.name}-baseline", channel, result.failing, interpreter, options, catalogue, log)
        if failing is None:
            verdict.notes.append("the canary does not run under the baseline: no verdict (its failures count as broken)")
            verdict.broken = list(result.failing)
            verdicts.append(verdict)
            continue
        verdict.broken = [t for t in result.failing if t in failing]
        verdict.regressed = [t for t in result.failing if t not in failing]
        if verdict.regressed and bisect:
            verdict.culprit = bisect_pins(canary, result.version, verdict.regressed, baseline, candidate, channel, interpreter, options, catalogue, log)
        verdicts.append(verdict)
    run.verdicts = [dataclasses.asdict(v) for v in verdicts]
    return verdicts


def bisect_pins(
    canary: Canary, version: str, tests: Sequence[str], baseline: Mapping[NormalizedName, Pin],
    candidate: Mapping[NormalizedName, Pin], channel: Channel, interpreter: Interpreter, options: Options,
    catalogue: Catalogue, log: Log,
) -> Culprit | None:  # fmt: skip
    """The one pin whose move from baseline to candidate makes `tests` fail, or None when no
    single pin does (two changes needed together, or a mix that does not install)."""
    differing = sorted(n for n in set(baseline) | set(candidate) if (baseline.get(n) and baseline[n].version) != (candidate.get(n) and candidate[n].version))
    log(f"bisecting {len(differing)} differing pins for {canary.name}: {', '.join(differing)}")
    suspects = list(differing)
    steps = 0

    def mixed(moved: Sequence[NormalizedName]) -> dict[NormalizedName, Pin]:
        pins = dict(baseline)
        for name in moved:
            if name in candidate:
                pins[name] = candidate[name]
            else:
                pins.pop(name, None)
        return pins

    while len(suspects) > 1:
        half = suspects[: len(suspects) // 2]
        steps += 1
        failing = _failing_under(canary, version, mixed(half), f"{channel.name}-bisect-{steps}", channel, tests, interpreter, options, catalogue, log)
        if failing is None:  # this mix does not install: fall back to one pin at a time
            break
        suspects = half if failing else suspects[len(suspects) // 2 :]
    for name in suspects if len(suspects) == 1 else list(suspects):
        steps += 1
        failing = _failing_under(canary, version, mixed([name]), f"{channel.name}-bisect-{steps}", channel, tests, interpreter, options, catalogue, log)
        if failing:
            log(f"culprit for {canary.name}: {name} {baseline.get(name) and baseline[name].version} -> {candidate.get(name) and candidate[name].version}")
            return Culprit(
                str(name), baseline[name].version if name in baseline else None,
                candidate[name].version if name in candidate else None, sorted(failing), steps,
            )  # fmt: skip
    log(f"no single pin brings {canary.name}'s failure back ({steps} runs)")
    return None
