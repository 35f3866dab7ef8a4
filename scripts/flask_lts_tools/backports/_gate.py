"""The gate a backport passes before it is published, on each Python of the channel.

In a fresh environment holding the channel's set with the patched build in place of the
frozen release: the frozen release's own test suite, from the *patched* sdist (so the
fixes' regression tests are part of it), run exactly as the upstream stage runs any
suite (`run_suite`: test tools of the release's era, known failures of the channel
deselected); then every patch's regression tests alone, which must pass; then the frozen
release itself (from the index) in place of the build, where every one of those
regression tests must fail, proving that they test the fix.
"""

from __future__ import annotations

import dataclasses
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from .. import _layout as layout
from .. import testtools, venvs
from .._exceptions import FlaskLTSError
from ..channel import Channel
from ..constraints import index_urls, read_pins
from ..pythons import Interpreter
from ..verify import Context, Options, PinnedSet
from ..verify._pytest import run_pytest
from ..verify.stages.upstream import run_suite
from ..verify.stages.upstream.catalogue import Catalogue, Suite, load_catalogue, load_known_failures
from ..verify.stages.upstream.sdist import SdistFile, fetch_sdist
from ._build import Build
from ._local import LocalIndexes
from ._series import PackageBackports

Log = Callable[[str], None]
PLUGIN = ["-p", "real_os_name"]  # resources/real_os_name.py: failures of os.name-patching tests reported, not crashed


@dataclass
class RegressionRun:
    build: str  # the version under test
    tests: int = 0
    passed: int = 0
    failed: int = 0
    failing: list[str] = field(default_factory=list)
    passing: list[str] = field(default_factory=list)


@dataclass
class GateResult:
    """One Python's verdict on one build."""

    python: str
    interpreter: str
    version: str
    status: str = "pass"  # pass | fail | error
    suite: dict = field(default_factory=dict)  # the upstream run: counts, known failures, notes
    patched: RegressionRun | None = None
    unpatched: RegressionRun | None = None
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


def failed(node_id: str, junit_ids: set[str]) -> bool:
    """Whether a node id (`tests/t.py::Class::test[param]`) is among the failures that pytest's
    junit report names `tests.t.Class::test[param]` (the classname is the module, dotted, plus
    the classes of a method; a [param] may hold anything, "::" included)."""
    rest = node_id.partition(".py::")[2]
    head, bracket, param = rest.partition("[")
    *classes, name = head.split("::")
    name += bracket + param
    for junit in junit_ids:
        classname, _, junit_name = junit.partition("::")
        if junit_name == name and (not classes or classname.split(".")[-len(classes):] == classes):
            return True
    return False


def _regression(ctx: Context, directory: Path, tests: list[str], label: str, version: str) -> RegressionRun:
    out, failures, counts, _ = run_pytest(ctx, directory, label, PLUGIN, timeout=300, targets=tests)
    run = RegressionRun(version, tests=counts["tests"])
    failed_ids = {p.test for p in failures if p.test}
    for test in tests:
        (run.failing if failed(test, failed_ids) else run.passing).append(test)
    run.failed, run.passed = len(run.failing), len(run.passing)
    if out.returncode is None or counts["tests"] != len(tests):
        run.failing = run.failing or tests
        run.failed = len(run.failing)
        run.passing, run.passed = [], 0
        run.tests = counts["tests"]
    return run


def suite_of(catalogue: Catalogue, package: str, version: str) -> Suite:
    """How the gate runs a package's own suite: its entry in resources/upstream.toml, or the
    catalogue's defaults (the sdist's tests/, test requirements discovered) for a package
    `make verify` has no entry for (marshmallow), as the canaries do."""
    return catalogue.suite_for(package, version) or Suite(package)


def gate(
    backports: PackageBackports, built: Build, channel: Channel, constraints: Path, interpreter: Interpreter,
    work: Path = layout.BACKPORTS_WORK, sdist_cache: Path = layout.SDISTS, log: Log = lambda m: None,
) -> GateResult:  # fmt: skip
    """Run the gate for one build on one Python; never raises for a failing test."""
    python = interpreter.version
    result = GateResult(python, f"{interpreter.full_version} ({interpreter.source})", built.version)
    workdir = (work / channel.name / f"gate-{built.package}-py{python}").resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    with LocalIndexes(layout.PACKAGES, log) as indexes:
        # A serial that pins the channel's builds names its index: served here from
        # packages/<channel>/, as verify and the canaries do.
        install_from = indexes.constraints(channel.name, constraints)
        return _gate(backports, built, channel, constraints, install_from, interpreter, workdir, sdist_cache, log, result)


def _gate(
    backports: PackageBackports, built: Build, channel: Channel, constraints: Path, install_from: Path | None,
    interpreter: Interpreter, workdir: Path, sdist_cache: Path, log: Log, result: GateResult,
) -> GateResult:  # fmt: skip
    env = venvs.create(workdir / "venv", interpreter)
    wheel = built.path(built.wheel.filename).resolve()
    out = env.pip("install", "-c", str((install_from or constraints).resolve()), "flask", str(wheel), timeout=900)
    if not out.ok:
        result.status = "error"
        result.problems.append(f"the set with {wheel.name} does not install under {constraints}:\n{out.tail(12)}")
        return result
    installed = env.freeze()
    if installed.get(built.package) != built.version:
        result.status = "error"
        result.problems.append(f"{built.package} {installed.get(built.package)} was installed, not the build {built.version}")
        return result
    pinned = PinnedSet(channel.name, constraints.resolve(), read_pins(constraints), channel, install_from)
    urls = tuple(index_urls(install_from.read_text(encoding="utf-8"))) if install_from else ()
    options = Options(workdir=workdir, known_failures=layout.known_failure_files(channel.name), sdist_cache=sdist_cache, index_urls=urls)
    ctx = Context(pinned, interpreter.version, env, workdir, options, log, installed)
    catalogue = load_catalogue()
    suite = suite_of(catalogue, built.package, built.version)
    suite = dataclasses.replace(suite, pytest_args=[*suite.pytest_args, *PLUGIN])
    try:
        frozen = fetch_sdist(built.package, built.release, sdist_cache.resolve())
        patched_sdist = SdistFile(built.path(built.sdist.filename).resolve(), frozen.uploaded, "")
        run, problems, _ = run_suite(ctx, suite, catalogue, load_known_failures(options.known_failures), patched_sdist)
        result.suite = {k: v for k, v in run.as_dict().items() if k in ("status", "tests", "passed", "failed", "errors", "skipped", "known_failures", "flaky", "notes", "era")}
        if run.status != "pass":
            result.status = "fail"
            result.problems += [f"{p.test or built.package}: {p.message.splitlines()[0][:200] if p.message else ''}" for p in problems[:5]]
        directory = workdir / "upstream" / built.package
        tests = [t for p in backports.patches for t in p.regression_tests]
        result.patched = _regression(ctx, directory, tests, "regression-patched", built.version)
        if result.patched.failing:
            result.status = "fail"
            result.problems.append(f"regression tests fail on {built.version}: {', '.join(result.patched.failing)}")
        out = env.pip("install", "--no-deps", "--force-reinstall", f"{built.package}=={built.release}", timeout=600)
        if not out.ok or env.freeze().get(built.package) != built.release:
            raise FlaskLTSError(f"the unpatched {built.package} {built.release} could not be installed:\n{out.tail(8)}")
        result.unpatched = _regression(ctx, directory, tests, "regression-unpatched", built.release)
        if result.unpatched.passing:
            result.status = "fail"
            result.problems.append(
                f"regression tests pass on the unpatched {built.release} too, so they do not test the fix: {', '.join(result.unpatched.passing)}"
            )
    except FlaskLTSError as exc:
        result.status = "error"
        result.problems.append(str(exc))
    finally:
        testtools.remove(env)
    return result
