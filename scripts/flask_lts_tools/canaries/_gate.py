"""The canaries' say in a refresh (docs/refresh.md, "What may enter a frozen channel").

`gate(...)` runs every canary of the channel under the candidate set, judges each failure
against the current constraints (the serial the candidate would replace: crater's
"before"), and turns what it finds into:

- **holds**: a regression bisected to one changed pin refuses that pin's new release; the
  refresh goes ahead without it (the channel file records the hold);
- **blocking**: a regression no single changed pin explains, or a canary that runs under the
  current set but no longer installs or runs under the candidate; nothing is written;
- nothing, for a test broken under the current set too or flaky (spurious): reported only.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from ..channel import Channel, Hold
from ..constraints import read_pins
from ..pythons import Interpreter
from ..verify import Options, PinnedSet
from ..verify.stages.upstream.catalogue import load_catalogue
from ._registry import Canary
from ._run import CanaryRun, run_canaries, run_canary
from ._verdict import judge

Log = Callable[[str], None]

REVIEW_AFTER = _dt.timedelta(days=90)  # when a hold is looked at again, unless the maintainer says otherwise


@dataclass
class GateResult:
    run: CanaryRun
    holds: list[Hold] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)
    reported: list[str] = field(default_factory=list)  # broken or spurious: shown, not blocking


def _first_line(problems: Sequence[dict]) -> str:
    return problems[0]["message"].strip().splitlines()[0][:200] if problems and problems[0]["message"].strip() else "no detail"


def gate(
    canaries: Sequence[Canary], channel: Channel, candidate: Path, current: Path, interpreter: Interpreter,
    options: Options, jobs: int, log: Callable[[str, str], None], changed: Mapping[str, tuple[str | None, str | None]],
    today: _dt.date | None = None,
) -> GateResult:  # fmt: skip
    """Run the canaries under `candidate`; judge failures against `current`; propose holds.

    `changed`: package -> (current version, candidate version) for every pin that moves."""
    today = today or _dt.date.today()
    run = run_canaries(canaries, channel, candidate, interpreter, options, jobs, log, f"{channel.name}-candidate")
    result = GateResult(run)
    say: Log = lambda m: log(m, f"canary gate {channel.name} py{interpreter.version}")  # noqa: E731
    catalogue = load_catalogue()
    by_name = {c.name: c for c in canaries}
    # a canary that does not install or run under the candidate: does it under the current set?
    current_set = PinnedSet(f"{channel.name}-current", current, read_pins(current), channel)
    for outcome in run.canaries:
        if outcome.status != "error":
            continue
        canary = by_name[outcome.name]
        before = run_canary(canary, outcome.version, current_set, interpreter, options, catalogue, say)
        if before.status == "error":
            result.reported.append(f"{outcome.name}: does not run under the current set either ({_first_line(before.problems)}): broken")
        else:
            result.blocking.append(
                f"{outcome.name} runs under the current set but not under the candidate: {_first_line(outcome.problems)}"
            )
    if any(c.failing or c.flaky for c in run.canaries):
        verdicts = judge(run, canaries, channel, interpreter, options, catalogue, say, baseline_file=current)
    else:
        verdicts = []
    proposed: dict[tuple[str, str], Hold] = {}
    for verdict in verdicts:
        for test in verdict.broken:
            result.reported.append(f"{verdict.canary}: {test} fails under the current set too: broken")
        for test in verdict.spurious:
            result.reported.append(f"{verdict.canary}: {test} passed alone on rerun: spurious")
        if not verdict.regressed:
            continue
        culprit = verdict.culprit
        if culprit is None or culprit.package not in changed or not culprit.baseline or not culprit.candidate:
            why = "no single changed pin brings the failure back" if culprit is None else f"the culprit {culprit.package} cannot be held"
            result.blocking.append(f"{verdict.canary} regressed ({', '.join(verdict.regressed[:3])}): {why}")
            continue
        key = (culprit.package, culprit.candidate)
        earlier = proposed.get(key)
        canaries_ = tuple(sorted({*(earlier.canaries if earlier else ()), verdict.canary}))
        tests = tuple(sorted({*(earlier.tests if earlier else ()), *culprit.tests}))
        proposed[key] = Hold(
            culprit.package, culprit.baseline, culprit.candidate, canaries_, tests, today, today + REVIEW_AFTER,
            f"{culprit.candidate} regresses {', '.join(canaries_)} ({', '.join(tests[:3])}{' …' if len(tests) > 3 else ''}): "
            f"they pass with {culprit.baseline} (the current pin); bisected by the refresh's canary gate on Python "
            f"{interpreter.version} in {culprit.steps} suite runs",
        )  # fmt: skip
    result.holds = list(proposed.values())
    return result


def hold_toml(hold: Hold) -> str:
    """A `[[held]]` table for the channel file."""

    def text(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def strings(values: Sequence[str]) -> str:
        return "[" + ", ".join(text(v) for v in values) + "]"

    return "\n".join([
        "[[held]]",
        f"package = {text(hold.package)}",
        f"held-at = {text(hold.held_at)}",
        f"refused = {text(hold.refused)}",
        f"canaries = {strings(hold.canaries)}",
        f"tests = {strings(hold.tests)}",
        f"decided = {hold.decided.isoformat()}",
        f"review = {hold.review.isoformat()}",
        f"reason = {text(hold.reason)}",
    ]) + "\n"  # fmt: skip



def judge_upstream(
    problems: Sequence[dict], channel: Channel, candidate: Path, current: Path, interpreter: Interpreter,
    options: Options, log: Log, changed: Mapping[str, tuple[str | None, str | None]], today: _dt.date | None = None,
) -> tuple[list[Hold], list[str]]:  # fmt: skip
    """Verdicts for failing tests of the channel's own packages' suites (the upstream stage),
    as for a canary: the package's release under test is run with every other package at its
    current pin. Passing there, the failure comes from another changed pin: bisected, held.
    Failing there too, it comes from the package's own new release: that release is held.
    Returns (holds, what blocks: failures no single changed pin explains)."""
    from packaging.utils import canonicalize_name

    from ..constraints import pins_for
    from ..verify.stages.upstream.catalogue import Suite
    from ._verdict import _failing_under, bisect_pins

    today = today or _dt.date.today()
    python = interpreter.version
    catalogue = load_catalogue()
    new = pins_for(read_pins(candidate), python)
    now = pins_for(read_pins(current), python)
    tests_by_package: dict[str, list[str]] = {}
    blocking: list[str] = []
    for problem in problems:
        package, test = problem.get("package"), problem.get("test")
        if not package or not test:
            blocking.append(f"{(problem.get('message') or '').strip().splitlines()[0][:160] if problem.get('message') else 'a failure'} (not a test of a package's suite: no verdict)")
            continue
        tests_by_package.setdefault(str(canonicalize_name(package)), []).append(test)
    holds: list[Hold] = []
    for package, tests in sorted(tests_by_package.items()):
        if package not in new:
            blocking.append(f"{package}: not in the candidate on Python {python}")
            continue
        suite = catalogue.suite_for(package, new[package].version) or Suite(package)
        as_canary = Canary(f"upstream-{package}", package, {}, (), "the channel's own package (its suite, the upstream stage)", suite)
        baseline = {**now, package: new[package]}
        failing = _failing_under(as_canary, new[package].version, baseline, f"{channel.name}-upstream-baseline", channel, tests, interpreter, options, catalogue, log)
        old, moved = changed.get(package, (None, None))
        if failing is None:
            blocking.append(f"{package}'s suite: no verdict (it does not run with the other packages at their current pins)")
            continue
        if failing:
            if old and moved:
                holds.append(Hold(
                    package, old, moved, (f"{package} (its own suite)",), tuple(sorted(failing)), today, today + REVIEW_AFTER,
                    f"{moved}'s own suite fails ({', '.join(sorted(failing)[:3])}) with every other package at its current pin; "
                    f"{old}'s passes (the current serial's verification); found by the refresh on Python {python}",
                ))  # fmt: skip
            else:
                blocking.append(f"{package} {new[package].version}: {', '.join(tests[:3])} fail with the current pins too (broken, not a change of this refresh)")
            continue
        culprit = bisect_pins(as_canary, new[package].version, tests, baseline, new, channel, interpreter, options, catalogue, log)
        if culprit is None or culprit.package not in changed or not culprit.baseline or not culprit.candidate:
            blocking.append(f"{package}'s suite regressed ({', '.join(tests[:3])}): no single changed pin brings it back")
            continue
        holds.append(Hold(
            culprit.package, culprit.baseline, culprit.candidate, (f"{package} (its own suite)",), tuple(culprit.tests), today,
            today + REVIEW_AFTER,
            f"{culprit.candidate} makes {package}'s own suite fail ({', '.join(culprit.tests[:3])}); it passes with {culprit.baseline} "
            f"(the current pin); bisected by the refresh on Python {python} in {culprit.steps} suite runs",
        ))  # fmt: skip
    return holds, blocking
