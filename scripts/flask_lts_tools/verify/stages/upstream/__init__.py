"""The packages' own test suites, from their sdists, against the installed set.

`run_upstream(ctx) -> StageResult` runs, for each installed package that has an
entry in resources/upstream.toml, the test suite of the sdist of the *installed*
version: fetched from the index (sha256-checked, cached), only its tests copied
out (never its source, so the installed package is what gets imported), its
pytest ini options carried over without `filterwarnings = error` (warnings are
collected instead), its declared test requirements installed beside the set
(the set wins; pytest and its plugins taken from the sdist's own era), and the
channel's known failures deselected. One package's trouble never stops another.
"""

from __future__ import annotations

import fnmatch
import json
import time
from concurrent.futures import ThreadPoolExecutor
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from .... import index, testtools, venvs
from ...._exceptions import TestToolsError, UpstreamError
from ...._files import atomic_write
from ..._context import Context
from ..._model import Problem, StageResult, WarningRecord
from ..._classify import BREAK, SPURIOUS, same_cause
from ..._harness import harness_args, load_harness_rules
from ..._pytest import JUNIT_INTERNAL, install_test_tools, exit_cause, internal_cause, run_pytest, split_counted, stopped_internally
from ..._warnings import merge_warnings
from .. import register
from .baseline import RULE as BASELINE_RULE, failing_in_era
from .catalogue import Catalogue, KnownFailure, Suite, known_failures_for, load_catalogue, load_known_failures
from .requirements import (
    apply_era, declared_test_requirements, era_cutoff, imported_modules, python_released, select_test_requirements,
    target_environment,
)  # fmt: skip
from .pytest_ini import _lines, filter_ini_options, pytest_ini_options, render_ini
from .sdist import TEST_LAYOUTS, Sdist, SdistFile, extract, fetch_sdist, locate_tests, suite_members


def node_id(directory: Path, classname: str, name: str) -> str:
    """pytest's node id (path::Class::test) from a junit classname (dotted) and name."""
    parts = classname.split(".") if classname else []
    for cut in range(len(parts), 0, -1):
        candidate = Path(*parts[:cut]).with_suffix(".py")
        if (directory / candidate).is_file():
            return "::".join([candidate.as_posix(), *parts[cut:], name])
    return f"{classname}::{name}" if classname else name


@dataclass
class PackageRun:
    """What one package's suite did, as the report shows it."""

    version: str
    sdist: str = ""
    status: str = "pass"  # pass | fail | error | skip
    tests: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0
    subset: str = ""
    requirements: list[str] = field(default_factory=list)
    requirements_source: str = ""
    era: str = ""  # the date test tools were taken from
    from_set: list[str] = field(default_factory=list)
    known_failures: list[str] = field(default_factory=list)
    flaky: list[str] = field(default_factory=list)  # failed, then passed when rerun alone
    # failed, then passed under the sdist's own filterwarnings = error (they expect a warning raised)
    sdist_filters: list[str] = field(default_factory=list)
    ini: str = ""
    notes: list[str] = field(default_factory=list)
    # failing tests that are not breaks: {"test", "kind", "rule", "message"} (verify/_classify.py)
    not_counted: list[dict] = field(default_factory=list)
    # runs tests of this suite once more in the set's environment (node ids -> those still
    # failing, None when that run did not run exactly them): the baseline's last word
    again: Callable[[Sequence[str]], set[str] | None] | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if v not in ("", [], None) and k != "again"}
        data.setdefault("status", self.status)
        return data


def known_failure_args(applied: Sequence[KnownFailure]) -> list[str]:
    """pytest options that leave the applied known failures out: a test (`path::name`) is
    deselected; a whole module (`path.py`) is ignored, so that a module which cannot even be
    imported (a collection failure, which no deselection prevents) is not collected either."""
    args: list[str] = []
    for k in applied:
        if "::" not in k.test and k.test.endswith(".py"):
            args += ["--ignore", k.test]
        else:
            args += ["--deselect", k.test]
    return args


def run_suite(
    ctx: Context, suite: Suite, catalogue: Catalogue, known: Sequence[KnownFailure], sdist_file: SdistFile,
) -> tuple[PackageRun, list[Problem], list[WarningRecord]]:  # fmt: skip
    """One package's suite: copy its tests out, install its test tools, run pytest."""
    version = ctx.installed[suite.package]
    run = PackageRun(version, sdist=sdist_file.path.name, subset=suite.subset)
    python_full = ctx.env.interpreter.full_version
    directory = ctx.workdir / "upstream" / suite.package
    with Sdist(sdist_file.path) as sdist:
        tests = locate_tests(sdist.names, suite)
        if not tests:
            # Nothing of the package's own to run: that says nothing about the set, and the
            # other stages still cover the package. The report says so; it is not a failure.
            run.status = "skip"
            expected = suite.missing_tests_ok is not None and SpecifierSet(suite.missing_tests_ok).contains(version, prereleases=True)
            looked = ", ".join(dict.fromkeys([*suite.tests, *TEST_LAYOUTS, "test_*.py at the root"]))
            run.notes.append(f"the sdist ships no tests ({'as the catalogue expects for this version' if expected else 'looked for ' + looked})")
            return run, [], []
        if tests != suite.tests:
            run.notes.append(f"tests found at {', '.join(tests)} (the catalogue expects {', '.join(suite.tests)})")
            suite = dataclasses.replace(suite, tests=tests)
        members = suite_members(sdist.names, suite)
        extract(sdist, members, directory)
        files = sdist.config_files(catalogue)
    ini_source, options = pytest_ini_options(files)
    kept, dropped = filter_ini_options(options)
    atomic_write(directory / "pytest.ini", render_ini(kept, ini_source))  # also stops pytest from finding our own config
    own_filters: Path | None = None
    if any(d.startswith("filterwarnings ") for d in dropped):
        # Some tests rely on warnings being errors (`pytest.raises(DeprecationWarning)`):
        # failures are tried once more under the sdist's own filters (see _rerun_failed).
        own_filters = directory / "pytest-own-filterwarnings.ini"
        # pytest's own config-time warnings (our `-p` plugins, unknown ini keys of absent
        # plugins) are about the tools, not the set: they must not abort the run as errors.
        filters = [*_lines(options["filterwarnings"]), "ignore::pytest.PytestAssertRewriteWarning", "ignore::pytest.PytestConfigWarning"]
        atomic_write(own_filters, render_ini({**kept, "filterwarnings": filters}, ini_source + ", own filterwarnings"))
    run.ini = ini_source + (f" (dropped: {'; '.join(dropped)})" if dropped else "")

    declared = declared_test_requirements(files, suite.package, catalogue, suite, target_environment(python_full))
    extra = [Requirement(r) for r in suite.extra_requirements]
    the_set = {**{n: p.version for n, p in ctx.pinned.for_python(ctx.python).items()}, **ctx.installed}
    selected, run.from_set = select_test_requirements(
        [*declared.requirements, *extra], the_set, [*catalogue.ignore_requirements, *suite.ignore_requirements], python_full,
    )  # fmt: skip
    # A set package the suite needs but the environment lacks (a canary's environment holds only
    # its own closure, not the whole channel) comes in at the set's pin.
    selected += [Requirement(f"{name}=={the_set[name]}") for name in run.from_set if name not in ctx.installed]
    run.requirements_source = declared.source + (" + catalogue" if extra else "")
    run.notes += declared.notes
    if "pytest" in the_set:
        # the set always wins (testtools.py): a requirements file that pins pytest for the
        # app's own tests (PowerDNS-Admin's pytest 7.2.1) decides the pytest every suite runs under
        run.notes.append(f"pytest {the_set['pytest']} is the set's own pin: the suite runs under it, not under the pytest of its era")
    attempts = [(*catalogue.era, *catalogue.era_best_effort), catalogue.era] if catalogue.era_best_effort else [catalogue.era]

    def install(requirements: list[Requirement]) -> tuple[Problem | None, list[str]]:
        for number, patterns in enumerate(attempts, start=1):
            cutoff = era_cutoff(sdist_file.uploaded, python_released(python_full))
            run.era = cutoff.date().isoformat() if cutoff else ""
            run.requirements, era_notes = apply_era(requirements, patterns, cutoff, python_full, index.project, provided=the_set)
            try:
                # the first attempt holds the tools' own dependencies to the era too
                install_test_tools(ctx, run.requirements, cutoff if number < len(attempts) else None)
                problem = None
            except TestToolsError as exc:
                problem = Problem(str(exc))
            if problem is None or number == len(attempts):
                break
            run.notes.append("the era's tools do not install on this Python; only pytest and its plugins kept to their era")
        return problem, era_notes

    problem, era_notes = install(selected)
    unresolved: list[str] = []
    # Only a suite whose sdist declares no test requirements is scanned: one that declares
    # them is taken at its word, and parsing a large test tree (SQLAlchemy's) costs seconds.
    if problem is None and not declared.requirements:
        undeclared, unresolved = _undeclared_imports(ctx, directory, catalogue, selected, run)
        more, _ = select_test_requirements(undeclared, the_set, [*catalogue.ignore_requirements, *suite.ignore_requirements], python_full)
        if more:
            selected = [*selected, *more]
            problem, era_notes = install(selected)
    run.notes += era_notes
    if problem is not None:
        run.status = "error"
        problem.package = suite.package
        return run, [problem], []

    applied = known_failures_for(known, suite.package, version, python_full)
    run.known_failures = [f"{k.test} ({k.reason})" for k in applied]
    args = [*suite.pytest_args]
    args += known_failure_args(applied)
    harness, rules = harness_args(load_harness_rules(), ctx.installed, "upstream")
    args += harness
    run.notes += [f"harness: {r.split(':')[0]} (resources/harness.toml)" for r in rules]
    plugins = _suite_plugins(run, suite)
    out, failures, counts, warnings = run_pytest(
        ctx, directory, f"upstream-{suite.package}", args, timeout=suite.timeout, own=suite.package, plugins=plugins,
        targets=list(suite.targets) or None,
    )  # fmt: skip
    if counts.get("plugins_not_loaded"):
        run.notes.append(f"pytest plugins of the environment not loaded for this suite: {', '.join(counts['plugins_not_loaded'])}")
    run.tests, run.failed, run.errors, run.skipped = counts["tests"], counts["failures"], counts["errors"], counts["skipped"]
    run.passed = run.tests - run.failed - run.errors - run.skipped
    internal = [p for p in failures if p.test == JUNIT_INTERNAL]
    ended_internally = stopped_internally(out.returncode, failures)
    if internal:  # junit's entry for the internal error is not a test of the suite
        run.tests -= len(internal)
        run.errors -= len(internal)
    if ended_internally and run.tests == 0:
        # The suite did not run: nothing in it is judged, classified, rerun or compared with a
        # baseline (an era set that stops the same way would otherwise take it out, and a suite
        # that ran no test would pass). Its cause is the first thing a maintainer needs.
        run.status = "error"
        run.tests = run.failed = run.errors = run.skipped = run.passed = 0
        run.notes.append("pytest stopped with an internal error: the suite did not run")
        return run, [Problem("pytest stopped with an internal error (the suite did not run):\n" + out.tail(12), package=suite.package)], []
    problems = []
    for p in failures:
        if p.test == JUNIT_INTERNAL:
            continue
        classname, _, name = (p.test or "").rpartition("::")
        problems.append(Problem(
            p.message, package=suite.package, test=node_id(directory, classname, name), kind=p.kind, rule=p.rule, cause=p.cause,
        ))  # fmt: skip
    # pytest stopped with an internal error after tests ran (Werkzeug 0.15's suite on Python 3.9:
    # pytest 6.1's stepwise plugin fails writing its cache at the session's end): the tests are
    # judged as usual, and the internal error is one more failure, never rerun, whose era set
    # may show it is not the set's (the baseline compares its cause like a test's).
    ended = []
    if ended_internally:
        ended = [Problem(
            "pytest stopped with an internal error after the tests ran:\n" + out.tail(12), package=suite.package,
            test=JUNIT_INTERNAL, kind=BREAK, cause=internal_cause(out.stdout + out.stderr),
        )]  # fmt: skip
        run.notes.append(f"pytest stopped with an internal error after {run.tests} test(s) ran")
    if problems and out.returncode is not None:
        first = {p.test: p for p in problems}
        problems = _rerun_failed(ctx, directory, suite, args, run, problems, own_filters)
        problems += [
            Problem(first[t].message, package=suite.package, test=t, kind=SPURIOUS, rule="passed when rerun alone", cause=first[t].cause)
            for t in run.flaky
        ]  # fmt: skip
    problems += ended
    problems, others = split_counted(problems, ctx.options.strict)
    run.not_counted = [
        {"test": p.test, "kind": p.kind, "rule": p.rule, "message": p.message.strip().splitlines()[0][:300] if p.message.strip() else "", "cause": p.cause}
        for p in others
    ]  # fmt: skip
    if run.not_counted:
        kinds = sorted({p.kind or "" for p in others})
        run.notes.append(f"{len(others)} failing test(s) not counted as breaks ({', '.join(kinds)}; --strict counts them)")
    if out.returncode is None:
        problems.append(Problem(f"pytest timed out after {suite.timeout:.0f}s:\n" + out.tail(10), package=suite.package))
    elif not problems and out.returncode != 0 and not run.flaky and not run.sdist_filters and not run.not_counted:
        if out.returncode == 5:
            # Nothing collected (pytest's exit 5): the suite did not run, so it is no verdict on
            # the set's code (`error`), named with what pytest ran; a set that pins pytest gets
            # its own, which may be too new for an old suite (SQLAlchemy 1.3's plugin yields
            # nothing under pytest 7.2's collection: PowerDNS-Admin's 2023 set).
            own = ctx.installed.get("pytest")
            under = f" under the set's own pytest {own}, not the suite's era's" if own else ""
            problems.append(Problem(f"pytest collected no tests{under}: {exit_cause(out.tail())}\n" + out.tail(), package=suite.package))
            run.status = "error"
        else:
            problems.append(Problem(f"pytest exited {out.returncode}: {exit_cause(out.tail())}\n" + out.tail(), package=suite.package))
    if problems and run.status != "error":
        run.status = "fail"
        if unresolved:  # optional imports are common; they matter only when something failed
            run.notes.append(f"the tests import {', '.join(unresolved)}, which neither the set nor its test tools provide")
    ours = [w for w in warnings if not any(fnmatch.fnmatch(w.origin, p) for p in catalogue.tool_warnings)]
    if len(ours) < len(warnings):
        run.notes.append(f"{sum(w.count for w in warnings if w not in ours)} warnings raised by the test tools themselves left out")
    run.again = lambda tests: _still_failing(ctx, directory, suite, args, tests, "rerun-after-baseline", run)
    return run, problems, ours


_FIND_SPECS = """
import importlib.util, json, sys
missing = []
for name in sys.argv[1:]:
    try:
        found = importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        missing.append(name)
print(json.dumps(missing))
"""


def _undeclared_imports(
    ctx: Context, directory: Path, catalogue: Catalogue, selected: Sequence[Requirement], run: PackageRun,
) -> tuple[list[Requirement], list[str]]:  # fmt: skip
    """Test tools the suite imports but its sdist does not declare at all (blinker 1.4 imports nose,
    Flask-Login 0.5 semantic_version): the imports nothing in the environment provides, mapped
    to requirements by the catalogue's `import-requirements`. Only mapped names are installed
    (a guessed distribution name could be anyone's). Returns (to add, unresolved others)."""
    names = imported_modules(directory)
    if not names:
        return [], []
    out = venvs.run([ctx.env.python, "-c", _FIND_SPECS, *sorted(names)], timeout=120, cwd=directory)
    if not out.ok:
        return [], []
    missing = json.loads(out.stdout)
    have = {canonicalize_name(r.name) for r in selected}
    mapped = [m for m in missing if m in catalogue.import_requirements]
    added = [Requirement(catalogue.import_requirements[m]) for m in mapped]
    added = [r for r in added if canonicalize_name(r.name) not in have]
    if added:
        run.notes.append(f"the tests import {', '.join(mapped)} without declaring it: added {', '.join(str(r) for r in added)} (catalogue import-requirements)")
    return added, [m for m in missing if m not in catalogue.import_requirements]


RERUN_LIMIT = 20  # more failures than this is a break, not flakiness: no rerun


def _rerun_failed(
    ctx: Context, directory: Path, suite: Suite, args: Sequence[str], run: PackageRun, problems: list[Problem],
    own_filters: Path | None = None,
) -> list[Problem]:  # fmt: skip
    """Run the failed tests once more, alone. Those that pass are flaky (timing tests on a
    loaded machine), recorded in `run.flaky` and not failures. When the sdist's ini turned
    warnings into errors (a filter the main run drops, so that warnings are recorded), those
    still failing run once more under that ini: tests that pass only there assert that a
    warning is raised (`pytest.raises(DeprecationWarning)`), and are recorded in
    `run.sdist_filters`, not as failures. The rest stay problems."""
    failed = [p.test for p in problems if p.test]
    if len(failed) != len(problems) or len(failed) > RERUN_LIMIT:
        return problems
    failing = _still_failing(ctx, directory, suite, args, failed, "rerun", run)
    if failing is None:
        return problems  # the rerun did not run exactly these tests: keep the first verdict
    run.flaky = _passed_now(run, failed, failing)
    if run.flaky:
        run.notes.append(f"{len(run.flaky)} test(s) failed, then passed when rerun alone (flaky): {', '.join(run.flaky)}")
    if failing and own_filters is not None:
        strict = _still_failing(ctx, directory, suite, ["-c", str(own_filters), *args], sorted(failing), "rerun-own-filters", run)
        if strict is not None:
            run.sdist_filters = _passed_now(run, sorted(failing), strict)
            failing = strict
        if run.sdist_filters:
            run.notes.append(
                f"{len(run.sdist_filters)} test(s) pass only under the sdist's own filterwarnings = error "
                f"(they expect a warning raised as an error): {', '.join(run.sdist_filters)}"
            )
    return [p for p in problems if p.test in failing]


def _suite_plugins(run: PackageRun, suite: Suite) -> list[str]:
    """The distributions whose pytest plugins a suite may load: its own test tools (what its
    sdist declares, with the catalogue's additions) and the package itself. A plugin that
    only the set brings (pytest-flask in a set) is not loaded into other packages' suites."""
    names = [suite.package]
    for r in run.requirements:
        try:
            names.append(Requirement(r).name)
        except ValueError:  # InvalidRequirement: nothing to name
            continue
    return names


def _still_failing(
    ctx: Context, directory: Path, suite: Suite, args: Sequence[str], tests: Sequence[str], label: str, run: PackageRun,
) -> set[str] | None:  # fmt: skip
    """Node ids among `tests` that fail when run again (alone), or None if the run did not
    run exactly those tests."""
    again, still, counts, _ = run_pytest(
        ctx, directory, f"upstream-{suite.package}-{label}", args, timeout=suite.timeout, targets=tests, own=suite.package,
        plugins=_suite_plugins(run, suite),
    )  # fmt: skip
    if again.returncode is None or counts["tests"] != len(tests):
        return None
    return {node_id(directory, *p.test.rpartition("::")[::2]) for p in still if p.test}


def _passed_now(run: PackageRun, tests: Sequence[str], failing: set[str]) -> list[str]:
    """The tests that passed this time; the counts move them from failed/errors to passed."""
    passed = [t for t in tests if t not in failing]
    from_failed = min(run.failed, len(passed))
    run.failed -= from_failed
    run.errors -= len(passed) - from_failed
    run.passed += len(passed)
    return passed


@register("upstream", 50, "the packages' own test suites from their sdists, against the installed set")
def run_upstream(ctx: Context) -> StageResult:
    """Each catalogued package's own suite, from its sdist, against the installed set."""
    try:
        catalogue = load_catalogue()
        known = load_known_failures(ctx.options.known_failures)
    except UpstreamError as exc:
        return StageResult("upstream", "error", problems=[Problem(str(exc))])
    found = (catalogue.suite_for(name, ctx.installed[name]) for name in sorted(catalogue.suites) if name in ctx.installed)
    suites = [s for s in found if s is not None]
    if ctx.options.suites:
        wanted = {canonicalize_name(n) for n in ctx.options.suites}
        suites = [s for s in suites if canonicalize_name(s.package) in wanted]
    not_run = {s.package: s.skip for s in suites if s.skips(ctx.installed[s.package])}
    suites = [s for s in suites if s.package not in not_run]
    if not suites:
        return StageResult("upstream", "skip", details={"reason": "no catalogued suite applies to this set", "not_run": not_run})

    cache = ctx.options.sdist_cache.resolve()
    with ThreadPoolExecutor(max_workers=6) as pool:
        fetched = dict(zip(
            [s.package for s in suites],
            pool.map(lambda s: _attempt(lambda: fetch_sdist(s.package, ctx.installed[s.package], cache)), suites),
        ))  # fmt: skip
    packages: dict[str, dict] = {}
    problems: list[Problem] = []
    warnings: list[list[WarningRecord]] = []
    for suite in suites:
        started = time.monotonic()
        version = ctx.installed[suite.package]
        sdist_file = fetched[suite.package]
        try:
            if isinstance(sdist_file, Exception):
                raise sdist_file
            run, found, recorded = run_suite(ctx, suite, catalogue, known, sdist_file)
            found = _against_baseline(ctx, suite, catalogue, known, sdist_file, run, found)
        except Exception as exc:  # one package's trouble must not stop the others
            run = PackageRun(version, status="error", subset=suite.subset)
            found, recorded = [Problem(f"{type(exc).__name__}: {exc}", package=suite.package)], []
        run.seconds = round(time.monotonic() - started, 1)
        packages[suite.package] = run.as_dict()
        problems += found
        warnings.append(recorded)
        counts = f"{run.passed} passed, {run.failed + run.errors} failed, {run.skipped} skipped" if run.tests else "; ".join(run.notes)
        ctx.log(f"upstream {suite.package} {version}: {run.status}, {counts} in {run.seconds:.1f}s")
    testtools.remove(ctx.env)
    statuses = {p["status"] for p in packages.values()}
    status = "error" if "error" in statuses else "fail" if "fail" in statuses else "pass" if "pass" in statuses else "skip"
    totals = {k: sum(p.get(k, 0) for p in packages.values()) for k in ("tests", "passed", "failed", "errors", "skipped")}
    details = {"packages": packages, "not_run": not_run, **totals}
    not_counted = [
        Problem(n["message"], package=name, test=n["test"], kind=n["kind"], rule=n["rule"])
        for name, p in packages.items() for n in p.get("not_counted", [])
    ]  # fmt: skip
    return StageResult("upstream", status, problems=problems, warnings=merge_warnings(warnings), details=details, not_counted=not_counted)


def _against_baseline(
    ctx: Context, suite: Suite, catalogue: Catalogue, known: Sequence[KnownFailure], sdist_file: SdistFile,
    run: PackageRun, problems: list[Problem],
) -> list[Problem]:  # fmt: skip
    """The failing tests that fail with the package's own era set too are not breaks of this
    set (baseline.py): moved to `run.not_counted`. Returns the problems that still count."""
    tests = [p.test for p in problems if p.test]
    if not tests or ctx.options.strict or not ctx.options.baseline or run.status == "error":
        return problems
    ctx.log(f"upstream {suite.package}: {len(tests)} failing test(s): running them with the package's own era set")
    failing, what = failing_in_era(ctx, suite, catalogue, known, sdist_file, tests, run_suite, with_tools=run.from_set)
    if failing is None:
        run.notes.append(f"no baseline verdict: {what}")
        return problems
    # A test that fails there too, the same way, is not a break of this set. One that fails
    # there another way (a missing Redis there, Flask 2.3's removed attribute here) gives no
    # such evidence: the set's own failure stands.
    moved = [p for p in problems if p.test in failing and same_cause(p.cause, failing[p.test])]
    for p in problems:
        if p.test in failing and p not in moved:
            run.notes.append(f"{p.test} fails with {what} too, but another way ({failing[p.test]}; here {p.cause}): still a break")
    run.not_counted += [
        {"test": p.test, "kind": "environment", "rule": BASELINE_RULE,
         "message": f"fails with {what} too: " + (p.message.strip().splitlines()[0][:240] if p.message.strip() else ""), "cause": p.cause}
        for p in moved
    ]  # fmt: skip
    kept = [p for p in problems if p not in moved]
    run.notes.append(f"baseline ({what}): {len(moved)} of {len(tests)} failing test(s) fail there too (not breaks of this set)")
    kept = _rerun_after_baseline(run, kept)
    if not kept and run.status == "fail":
        run.status = "pass"
    return kept


def _rerun_after_baseline(run: PackageRun, kept: list[Problem]) -> list[Problem]:
    """The tests the era set passed, that failed twice here (the run and the rerun alone), run
    once more here: one that passes now is a timing test that lost twice on a loaded machine
    (click 8.2's pager tests beside another verification), spurious; one that fails a third
    time is the set's break. crater reruns its regressions the same way."""
    tests = [p.test for p in kept if p.test and p.test != JUNIT_INTERNAL and p.kind == BREAK]
    if not tests or run.again is None or len(tests) > RERUN_LIMIT:
        return kept
    failing = run.again(tests)
    if failing is None:
        return kept
    passed = _passed_now(run, tests, failing)
    if not passed:
        return kept
    run.flaky += passed
    run.not_counted += [
        {"test": p.test, "kind": SPURIOUS, "rule": "passed on a third run (the era set passed it)",
         "message": p.message.strip().splitlines()[0][:300] if p.message.strip() else "", "cause": p.cause}
        for p in kept if p.test in passed
    ]  # fmt: skip
    run.notes.append(f"{len(passed)} test(s) the era set passed, failing twice here, passed on a third run (flaky): {', '.join(passed)}")
    return [p for p in kept if p.test not in passed]  # the caller turns a run with none left into a pass


def _attempt(fn: Callable[[], SdistFile]) -> SdistFile | Exception:
    try:
        return fn()
    except Exception as exc:
        return exc
