"""Verify a pinned set on one Python: prove it known-good, or say what broke.

`verify(pinned, interpreter, options) -> VerifyResult` runs the stages in a fresh
virtual environment: install, pip-check, imports, apps, upstream. Each stage is
guarded: a crash inside one is reported as that stage's error, and the others
still run where they can.
"""

from __future__ import annotations

import ast
import datetime as _dt
import json
import os
import re
import shutil
import time
import traceback
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import NormalizedName, canonicalize_name

from . import venvs
from ._exceptions import ConstraintsError, FlaskLTSError
from .channel import Channel
from .constraints import Pin, pins_for, read_pins
from .pythons import Interpreter

RESOURCES = Path(__file__).parent / "resources"
STAGES = ("install", "pip-check", "imports", "apps", "upstream")
Log = Callable[[str], None]


@dataclass
class Problem:
    message: str
    package: str | None = None
    module: str | None = None
    test: str | None = None


@dataclass
class WarningRecord:
    category: str
    message: str
    origin: str  # the package (or app file) whose code raised it
    location: str  # file:line
    count: int = 1


@dataclass
class StageResult:
    name: str
    status: str  # pass | fail | error | skip
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[WarningRecord] = field(default_factory=list)
    details: dict = field(default_factory=dict)


@dataclass
class VerifyResult:
    set_name: str
    source: str
    python: str
    interpreter: str
    started: str
    seconds: float = 0.0
    stages: list[StageResult] = field(default_factory=list)

    @property
    def status(self) -> str:
        statuses = {s.status for s in self.stages if s.status != "skip"}
        return "fail" if statuses & {"fail", "error"} else ("pass" if statuses else "skip")

    def to_json(self) -> dict:
        data = asdict(self)
        data = {"schema": 1, "status": self.status, **data}
        return data


@dataclass
class PinnedSet:
    """A fully pinned set to verify: a channel's constraints file or any name==version file."""

    name: str
    path: Path
    pins: list[Pin]
    channel: Channel | None = None

    def for_python(self, python: str) -> dict[NormalizedName, Pin]:
        return pins_for(self.pins, python)

    def packages_to_install(self, python: str) -> list[str]:
        """A channel installs everything users can name (core and every extra);
        a pinned set installs every line that applies on this Python."""
        if self.channel is not None:
            return list(self.channel.top_packages())
        return sorted(self.for_python(python))


def load_set(path: Path, channel: Channel | None = None, name: str | None = None) -> PinnedSet:
    pins = read_pins(path)
    if not pins:
        raise ConstraintsError(f"{path}: no name==version lines; nothing to verify")
    return PinnedSet(name or (channel.name if channel else path.stem), path, pins, channel)


@dataclass
class Options:
    stages: Sequence[str] = STAGES
    workdir: Path = Path(".cache/verify")
    apps_dirs: Sequence[Path] = (Path("tests/compat"),)
    known_failures: Sequence[Path] = ()  # known-failures files: the common one, then the channel's
    strict: bool = False
    timeout: float = 1800
    sdist_cache: Path = Path(".cache/sdists")  # sdists of the upstream suites, sha256-checked
    testtools_cache: Path = Path(".cache/testtools")  # resolved and installed test tools, per Python


@dataclass
class Context:
    pinned: PinnedSet
    python: str
    env: venvs.Environment
    workdir: Path
    options: Options
    log: Log
    installed: dict[str, str] = field(default_factory=dict)


# -- warnings -----------------------------------------------------------------


def origin_of(filename: str) -> str:
    """The package (top-level module) whose file raised a warning, or the app's file name."""
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", "/dist-packages/"):
        if marker in path:
            return path.split(marker, 1)[1].split("/", 1)[0].removesuffix(".py")
    return Path(path).name


_WORK_PATH = re.compile(r"(?:/[^\s:/]+)+/(?:apps|upstream/[^\s:/]+)/")


def collect_warnings(raw: Sequence[dict]) -> list[WarningRecord]:
    """Group warnings by (origin, category, message); paths of our work folders are
    cut from messages so the same warning on two Pythons groups together."""
    grouped: dict[tuple[str, str, str], WarningRecord] = {}
    for w in raw:
        origin = origin_of(w.get("filename", "?"))
        location = f"{w.get('filename', '?')}:{w.get('lineno', '?')}"
        key = (origin, w.get("category", "Warning"), _WORK_PATH.sub("", w.get("message", "")))
        if key in grouped:
            grouped[key].count += 1
        else:
            grouped[key] = WarningRecord(key[1], key[2][:500], origin, location)
    return sorted(grouped.values(), key=lambda r: (r.origin, r.category, r.message))


def _strict(stage: StageResult, strict: bool) -> StageResult:
    if strict and stage.status == "pass" and stage.warnings:
        stage.status = "fail"
        stage.problems.append(Problem(f"{len(stage.warnings)} kinds of warnings raised (STRICT)"))
    return stage


# -- stages -----------------------------------------------------------------------


def stage_install(ctx: Context) -> StageResult:
    names = ctx.pinned.packages_to_install(ctx.python)
    out = ctx.env.pip("install", "-c", str(ctx.pinned.path.resolve()), *names, timeout=ctx.options.timeout)
    if not out.ok:
        return StageResult("install", "fail", problems=[Problem("pip install failed:\n" + out.tail(30))])
    ctx.installed = ctx.env.freeze()
    expected = ctx.pinned.for_python(ctx.python)
    problems = []
    for name, version in sorted(ctx.installed.items()):
        if name not in expected:
            problems.append(Problem(f"{name}=={version} was installed but the set does not pin it", package=name))
        elif expected[name].version != version:
            problems.append(Problem(f"{name}=={version} installed, the set pins {expected[name].version}", package=name))
    status = "fail" if problems else "pass"
    return StageResult("install", status, problems=problems, details={"installed": ctx.installed, "packages": names})


def stage_pip_check(ctx: Context) -> StageResult:
    out = ctx.env.pip("check", timeout=300)
    if out.ok:
        return StageResult("pip-check", "pass")
    problems = [Problem(line.strip(), package=line.split()[0].lower()) for line in out.stdout.splitlines() if line.strip()]
    return StageResult("pip-check", "fail", problems=problems or [Problem(out.tail())])


def stage_imports(ctx: Context) -> StageResult:
    dists = sorted(ctx.installed)
    out = venvs.run([ctx.env.python, str(RESOURCES / "import_probe.py"), *dists], timeout=600, cwd=ctx.workdir)
    if not out.ok:
        return StageResult("imports", "error", problems=[Problem("the import probe crashed:\n" + out.tail())])
    report = json.loads(out.stdout)
    problems, raw, modules = [], [], 0
    for dist in report:
        for module in dist["modules"]:
            modules += 1
            raw.extend(module["warnings"])
            if not module["ok"]:
                problems.append(Problem(module["error"], package=dist["distribution"], module=module["module"]))
    stage = StageResult(
        "imports", "fail" if problems else "pass", problems=problems, warnings=collect_warnings(raw),
        details={"modules": modules, "distributions": len(report)},
    )  # fmt: skip
    return _strict(stage, ctx.options.strict)


def app_requirements(path: Path) -> list[Requirement] | None:
    """The literal REQUIRES list of a compat app module, read without importing it:
    requirement strings, with the versions the app's code is written for
    (`"flask-sqlalchemy>=3.0"`: it calls `db.paginate`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "REQUIRES" for t in node.targets):
            try:
                return [Requirement(x) for x in ast.literal_eval(node.value)]
            except (ValueError, InvalidRequirement) as exc:
                raise FlaskLTSError(f"{path}:{node.lineno}: REQUIRES must be a literal list of requirement strings ({exc})") from None
    return None


def select_apps(dirs: Sequence[Path], installed: Mapping[str, str]) -> tuple[list[Path], list[str]]:
    """The app modules whose REQUIRES the set meets (every package present, at a version
    the app is written for), and why each other module was left out."""
    chosen, skipped = [], []
    for directory in dirs:
        for path in sorted({*directory.glob("test_*.py"), *directory.glob("*_app.py")}):
            requires = app_requirements(path)
            if requires is None:
                skipped.append(f"{path.name}: no REQUIRES list")
                continue
            unmet = []
            for req in requires:
                version = installed.get(canonicalize_name(req.name))
                if version is None:
                    unmet.append(f"{req.name} (not in the set)")
                elif not req.specifier.contains(version, prereleases=True):
                    unmet.append(f"{req} (the set has {version})")
            if unmet:
                skipped.append(f"{path.name}: needs {', '.join(unmet)}")
            else:
                chosen.append(path)
    return chosen, skipped


def install_test_tools(ctx: Context, requirements: Sequence[str]) -> Problem | None:
    """Make test tools importable beside the set, resolved under the set's constraints
    (docs/upstream.md, "Test tools"): the set's environment itself is never modified,
    and the set wins on sys.path."""
    from . import testtools

    try:
        testtools.overlay(ctx.env, requirements, ctx.pinned.path, ctx.options.testtools_cache)
    except testtools.ToolsProblem as exc:
        return Problem(str(exc))
    return None


def run_pytest(
    ctx: Context, directory: Path, label: str, extra: Sequence[str] = (), timeout: float = 1200,
    targets: Sequence[str] = (),
) -> tuple[venvs.Outcome, list[Problem], dict, list[WarningRecord]]:  # fmt: skip
    """pytest in the target environment with our warnings plugin; (outcome, failures, counts, warnings).
    `targets` (node ids relative to `directory`) narrow the run; by default all of `directory` runs."""
    junit = ctx.workdir / f"{label}.junit.xml"
    warnings_file = ctx.workdir / f"{label}.warnings.json"
    for f in (junit, warnings_file):
        f.unlink(missing_ok=True)
    cmd = [
        ctx.env.python, "-m", "pytest", "-p", "no:cacheprovider", "-p", "warnings_plugin",
        f"--junitxml={junit}", "-q", "-o", "junit_family=xunit2", "--rootdir", str(directory),
        # one module that does not import must not hide the verdict on all the others
        "--continue-on-collection-errors", *extra,
        *(targets or [str(directory)]),
    ]  # fmt: skip
    # The environment's bin/ first on PATH, as if activated: suites and apps that run
    # console scripts (`flask db upgrade`) must get the ones of the set under test.
    bin_dir = str(Path(ctx.env.python).parent)
    out = venvs.run(
        cmd, timeout=timeout, cwd=directory,
        env={
            "PYTHONPATH": str(RESOURCES), "FLASK_LTS_WARNINGS_FILE": str(warnings_file),
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), "VIRTUAL_ENV": str(ctx.env.path),
        },
    )  # fmt: skip
    problems: list[Problem] = []
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if junit.exists():
        root = ET.parse(junit).getroot()
        for case in root.iter("testcase"):
            counts["tests"] += 1
            test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
            for kind in ("failure", "error"):
                node = case.find(kind)
                if node is not None:
                    counts["failures" if kind == "failure" else "errors"] += 1
                    text = (node.get("message") or node.text or "").strip()
                    problems.append(Problem(text[:1500], test=test_id))
            if case.find("skipped") is not None:
                counts["skipped"] += 1
    raw = json.loads(warnings_file.read_text()) if warnings_file.exists() else []
    return out, problems, counts, collect_warnings(raw)


def stage_apps(ctx: Context) -> StageResult:
    chosen, skipped = select_apps(ctx.options.apps_dirs, ctx.installed)
    if not chosen:
        return StageResult("apps", "skip", details={"skipped": skipped, "reason": "no app applies to this set"})
    problem = install_test_tools(ctx, ["pytest"])
    if problem:
        return StageResult("apps", "error", problems=[problem])
    directory = ctx.workdir / "apps"
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    for path in chosen:
        # pytest collects test_*.py only; negative-control apps are named *_app.py
        name = path.name if path.name.startswith("test_") else f"test_{path.name}"
        shutil.copy2(path, directory / name)
    out, problems, counts, warnings = run_pytest(ctx, directory, "apps")
    from .testtools import remove

    remove(ctx.env)
    if out.returncode is None:
        problems.append(Problem("pytest timed out: " + out.tail(5)))
    elif not problems and out.returncode not in (0,):
        problems.append(Problem(f"pytest exited {out.returncode}:\n" + out.tail()))
    stage = StageResult(
        "apps", "fail" if problems else "pass", problems=problems, warnings=warnings,
        details={"apps": [p.name for p in chosen], "skipped": skipped, **counts},
    )  # fmt: skip
    for p in stage.problems:
        if p.test:
            p.module = p.test.split("::")[0]
    return _strict(stage, ctx.options.strict)


def stage_upstream(ctx: Context) -> StageResult:
    from .upstream import run_upstream

    return _strict(run_upstream(ctx), ctx.options.strict)


STAGE_FUNCTIONS = {
    "install": stage_install,
    "pip-check": stage_pip_check,
    "imports": stage_imports,
    "apps": stage_apps,
    "upstream": stage_upstream,
}


def verify(pinned: PinnedSet, interpreter: Interpreter, options: Options, log: Log = print) -> VerifyResult:
    """Run the asked stages for one Python in a fresh environment; never raises for stage failures."""
    python = interpreter.version
    started = time.monotonic()
    result = VerifyResult(
        pinned.name, str(pinned.path), python, f"{interpreter.full_version} ({interpreter.source})",
        _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
    )  # fmt: skip
    workdir = (options.workdir / f"{pinned.name}-py{python}").resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    env = venvs.create(workdir / "venv", interpreter)
    if isinstance(env, venvs.Outcome):
        result.stages.append(StageResult("install", "error", problems=[Problem("could not create a venv:\n" + env.tail())]))
        return result
    ctx = Context(pinned, python, env, workdir, options, log)
    blocked: str | None = None
    for name in STAGES:
        if name not in options.stages and name != "install":
            continue
        if blocked:
            result.stages.append(StageResult(name, "skip", details={"reason": blocked}))
            continue
        stage_started = time.monotonic()
        log(f"{name} ...")
        try:
            stage = STAGE_FUNCTIONS[name](ctx)
        except Exception as exc:  # a crash in one stage must not lose the others
            stage = StageResult(name, "error", problems=[Problem(f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}")])
        stage.seconds = round(time.monotonic() - stage_started, 1)
        result.stages.append(stage)
        first = f": {stage.problems[0].message.splitlines()[0][:160]}" if stage.problems else ""
        log(f"{name} {stage.status} in {stage.seconds:.1f}s{first}")
        if name == "install" and stage.status != "pass" and not ctx.installed:
            blocked = "install failed"
    result.seconds = round(time.monotonic() - started, 1)
    return result
