"""Run canaries: each canary's own suite, from its sdist, in a fresh environment that holds
the channel's set and the canary (its dependencies outside the channel resolved by pip and
recorded). The suite runs exactly as the upstream stage runs a channel package's suite
(test tools of the sdist's era beside the set, warnings collected, failures rerun alone):
`run_suite` is shared."""

from __future__ import annotations

import datetime as _dt
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from .. import testtools, venvs
from .._exceptions import FlaskLTSError
from ..channel import Channel
from ..constraints import read_pins
from ..pythons import Interpreter
from ..verify import Context, Options, PinnedSet
from ..verify.stages.upstream import run_suite
from ..verify.stages.upstream.catalogue import Catalogue, load_catalogue
from ..verify.stages.upstream.sdist import fetch_sdist
from ._registry import Canary

Log = Callable[[str], None]
SCHEMA = "flask-lts-canaries/1"


@dataclass
class CanaryResult:
    """One canary on one (set, Python), as the report shows it."""

    name: str
    distribution: str
    version: str
    groups: list[str]
    status: str = "pass"  # pass | fail | error | skip
    tests: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0
    failing: list[str] = field(default_factory=list)  # node ids of the tests that failed
    problems: list[dict] = field(default_factory=list)
    outside: dict[str, str] = field(default_factory=dict)  # its dependencies the channel does not pin
    known_failures: list[str] = field(default_factory=list)
    flaky: list[str] = field(default_factory=list)
    # failing tests that are not breaks (test-harness, environment, spurious): listed, not counted
    not_counted: list[dict] = field(default_factory=list)
    warnings: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class CanaryRun:
    """Every canary asked, on one pinned set and one Python."""

    set_name: str
    channel: str
    source: str
    python: str
    interpreter: str
    started: str
    seconds: float = 0.0
    canaries: list[CanaryResult] = field(default_factory=list)
    baseline: str = ""  # what failing tests were judged against (canaries._verdict)
    verdicts: list[dict] = field(default_factory=list)
    serial: str = ""  # the channel's serial whose constraints ran ("" for a candidate's set)
    shard: dict = field(default_factory=dict)  # a shard's run: index, count, the whole selection (canaries._shards)
    shards: list[dict] = field(default_factory=list)  # a merged run: each shard's index, start and time

    @property
    def regressed(self) -> bool:
        return any(v.get("regressed") for v in self.verdicts)

    @property
    def status(self) -> str:
        """fail when a canary regressed or errored; a test broken on the baseline too does
        not block (it is reported); before any verdict, every failure counts."""
        statuses = {c.status for c in self.canaries if c.status != "skip"}
        if "error" in statuses or self.regressed:
            return "fail"
        if "fail" in statuses:
            judged = {v["canary"] for v in self.verdicts}
            unjudged = [c for c in self.canaries if c.status == "fail" and c.name not in judged]
            return "fail" if unjudged else "pass"
        return "pass" if statuses else "skip"

    def to_json(self) -> dict:
        data = {"schema": SCHEMA, "status": self.status, **asdict(self)}
        for canary in data["canaries"]:  # written only when there are some: older reports stay as they were
            if not canary["not_counted"]:
                del canary["not_counted"]
        return data


def _pip_conflict(text: str) -> str:
    """The lines of pip's output that say what conflicts (the rest is download noise)."""
    lines = [l.rstrip() for l in text.splitlines() if l.strip() and "WARNING: Location" not in l]
    if "The conflict is caused by:" in text:  # pip names each side: the set's pin and the requirement
        start = next(i for i, l in enumerate(lines) if "The conflict is caused by:" in l)
        block = []
        for line in lines[start + 1 :]:
            if not line.startswith((" ", "\t")) or line.strip().startswith(("To fix", "1.", "2.")):
                break
            block.append(line.strip())
        if block:
            return "; ".join(block)
    picked = [l.strip() for l in lines if any(w in l for w in ("conflict", "requires", "depends on", "Cannot install", "No matching", "ERROR"))]
    return "; ".join((picked or lines)[-6:])


def _install_failure(distribution: str, version: str, set_name: str, output: str) -> str:
    """One line first (what, and which pin conflicts, or that the index has no such release),
    then pip's own lines."""
    if "No matching distribution found" in output or "(from versions: none)" in output:
        head = f"{distribution}=={version} cannot be fetched: the package index has no such release (check versions in the registry)"
    else:
        head = f"{distribution}=={version} does not install under {set_name}: {_pip_conflict(output)}"
    return head


def run_canary(
    canary: Canary, version: str, pinned: PinnedSet, interpreter: Interpreter, options: Options,
    catalogue: Catalogue, log: Log,
) -> CanaryResult:  # fmt: skip
    """One canary under one pinned set (a channel's constraints, or a candidate's) on one Python."""
    python = interpreter.version
    result = CanaryResult(canary.name, canary.distribution, version, list(canary.groups))
    if canary.source != "sdist":
        # Not a pass: the report lists it as not run, with the reason (only the package index is reachable here).
        result.status = "skip"
        result.notes.append(
            f"not run: its source {canary.git} @ {canary.commit[:12]} is a git repository, and only the package index "
            "is reachable here; run it where git is"
        )
        return result
    workdir = (options.workdir / f"canary-{pinned.name}-py{python}-{canary.name}").resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    env = venvs.create(workdir / "venv", interpreter)
    extras = f"[{','.join(canary.extras)}]" if canary.extras else ""
    out = env.pip("install", "-c", str(pinned.pip_constraints), f"{canary.distribution}{extras}=={version}", timeout=options.timeout)
    if not out.ok:
        result.status = "error"
        result.problems.append({"message": _install_failure(canary.distribution, version, pinned.name, out.stdout + out.stderr)})
        return result
    installed = env.freeze()
    pins = pinned.for_python(python)
    result.outside = {name: v for name, v in sorted(installed.items()) if name not in pins and name != canary.distribution}
    moved = [f"{n}=={v} (the set pins {pins[n].version})" for n, v in sorted(installed.items()) if n in pins and pins[n].version != v]
    if moved:  # pip honours -c; this would mean the environment is not the set
        result.status = "error"
        result.problems.append({"message": "installed off the set's pins: " + ", ".join(moved)})
        return result
    ctx = Context(pinned, python, env, workdir, options, log, installed)
    try:
        sdist = fetch_sdist(canary.distribution, version, options.sdist_cache.resolve())
        run, problems, warnings = run_suite(ctx, canary.suite, catalogue, canary.known_for(pinned.channel.name if pinned.channel else pinned.name), sdist)
    except FlaskLTSError as exc:
        result.status = "error"
        result.problems.append({"message": str(exc)})
        return result
    finally:
        testtools.remove(env)
    result.status = run.status
    result.tests, result.passed, result.failed, result.errors, result.skipped = run.tests, run.passed, run.failed, run.errors, run.skipped
    result.failing = [p.test for p in problems if p.test]
    result.problems = [{"message": p.message, **({"test": p.test} if p.test else {})} for p in problems]
    result.known_failures, result.flaky, result.notes = run.known_failures, run.flaky, run.notes
    result.not_counted = run.not_counted
    if result.status == "skip":  # a canary that runs no test has not passed: say why, as an error
        result.status = "error"
        result.problems.insert(0, {"message": f"{canary.distribution}=={version}: no test ran: " + ("; ".join(run.notes) or "the suite collected nothing")})
    elif any(p["message"].startswith("pytest timed out") for p in result.problems) and not result.failing:
        result.status = "error"  # a hang: no verdict can be drawn from it
        result.problems.insert(0, {"message": f"{canary.distribution}=={version}: the suite hung: " + result.problems[0]["message"].splitlines()[0]})
    result.warnings = sum(w.count for w in warnings)
    return result


def run_canaries(
    canaries: Sequence[Canary], channel: Channel, constraints: Path, interpreter: Interpreter, options: Options,
    jobs: int, log: Callable[[str, str], None], set_name: str | None = None, install_from: Path | None = None,
) -> CanaryRun:  # fmt: skip
    """Every canary that applies to `channel`, under `constraints` (the channel's own file, or a
    candidate's), `jobs` at a time; one canary's trouble never loses the others' results."""
    started = time.monotonic()
    pinned = PinnedSet(set_name or channel.name, constraints, read_pins(constraints), channel, install_from)
    run = CanaryRun(
        pinned.name, channel.name, str(constraints), interpreter.version, f"{interpreter.full_version} ({interpreter.source})",
        _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(), serial="" if set_name else channel.version,
    )  # fmt: skip
    catalogue = load_catalogue()

    def one(canary: Canary) -> CanaryResult:
        scope = f"{pinned.name} py{interpreter.version} {canary.name}"
        began = time.monotonic()
        log("start", scope)
        try:
            result = run_canary(canary, canary.versions[channel.name], pinned, interpreter, options, catalogue, lambda m: log(m, scope))
        except Exception as exc:  # a crash in one canary must not lose the others
            result = CanaryResult(canary.name, canary.distribution, canary.versions[channel.name], list(canary.groups), status="error")
            result.problems.append({"message": f"{type(exc).__name__}: {exc}"})
        result.seconds = round(time.monotonic() - began, 1)
        counts = f"{result.passed} passed, {result.failed + result.errors} failed" if result.tests else (result.problems[0]["message"].splitlines()[0] if result.problems else "")
        log(f"{result.status} in {result.seconds:.0f}s: {counts}", scope)
        return result

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        run.canaries = list(pool.map(one, canaries))
    run.seconds = round(time.monotonic() - started, 1)
    return run
