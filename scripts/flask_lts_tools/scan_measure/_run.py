"""One project measured: its suite under the old channel, `flask-lts scan --to` on its source,
its suite under the new channel, then `scan --fix` on a copy and the suite once more.

The suites run as the canaries' do (`canaries.run_canary`'s machinery: a fresh venv, the
channel's pins as constraints, the sdist's tests beside the installed project, test tools of
its era), with two differences: the project is installed from its sdist (the fixed run from
the fixed copy, repacked, so that the runs differ by the fix alone), and its own pin, when the
channel has one, is left out of the constraints (an old Flask-Login plays the part of user code)."""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .. import _layout as layout
from .. import testtools, venvs
from .._exceptions import FlaskLTSError
from ..canaries._verdict import write_pins
from ..channel import Channel
from ..constraints import index_urls, pins_for, read_pins
from ..pythons import Interpreter
from ..verify import Context, Options, PinnedSet
from ..verify.stages.upstream import node_id, run_suite
from ..verify.stages.upstream.catalogue import Catalogue
from ..verify.stages.upstream.sdist import Sdist, SdistFile, extract, fetch_sdist
from ._subjects import Subject

Log = Callable[[str], None]
INSTALLER_SRC = layout.REPOSITORY_ROOT / "installer" / "src"
SCAN_TIMEOUT = 300


@dataclass
class SuiteRun:
    """One run of a project's suite under one channel."""

    channel: str
    status: str = "pass"  # pass | fail | error
    tests: int = 0
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failing: dict[str, str] = field(default_factory=dict)  # node id -> first line of its failure
    problems: list[str] = field(default_factory=list)  # what stopped the run (install, no tests)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # node id -> the frames of its traceback, (path from the package or test root, line): what
    # the findings are matched against, kept so that new verdicts can be judged without a rerun
    frames: dict[str, list[list]] = field(default_factory=dict)


@dataclass
class ScanRun:
    files: int = 0
    skipped: int = 0
    seconds: float = 0.0
    findings: list[dict] = field(default_factory=list)
    fixed: int = 0


# What `flask-lts scan PATH --from OLD --to NEW --format json [--fix]` does, through the scan
# package's own functions: the command line also reads the installer's channel data, which a
# source checkout has only after `make dist`.
_SCAN = (
    "import json, sys; from flask_lts.scan import CHANNELS, as_json, scan, select_rules; "
    "r = scan(['.'], select_rules(CHANNELS[sys.argv[1]], CHANNELS[sys.argv[2]]), fix=sys.argv[3] == 'fix'); "
    "print(json.dumps(as_json(r)))"
)


def scan_tree(root: Path, old: str, new: str, fix: bool = False) -> ScanRun:
    """`flask-lts scan . --from old --to new [--fix]` in `root`, run from the installer's
    source (standard library only) in a fresh interpreter."""
    cmd = [sys.executable, "-c", _SCAN, old, new, "fix" if fix else "scan"]
    env = {**os.environ, "PYTHONPATH": str(INSTALLER_SRC)}
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=SCAN_TIMEOUT, env=env)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        raise FlaskLTSError(f"flask-lts scan failed in {root.name} (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    data = json.loads(proc.stdout)
    findings = [{**f, "path": os.path.normpath(f["path"])} for f in data["findings"]]
    return ScanRun(data.get("files", 0), len(data.get("skipped", [])), round(seconds, 2), findings, data.get("fixed", 0))


def repack(tree: Path, top: str, target: Path) -> Path:
    """`tree` as an sdist (`top/` inside a .tar.gz), so that pip builds and installs it like the original."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(target, "w:gz") as archive:
        archive.add(tree, arcname=top)
    return target


def _junit_traces(workdir: Path, package: str) -> dict[str, str]:
    """node id -> the whole failure text, from the main run's junit file (the report keeps one line)."""
    junit = workdir / f"upstream-{package}.junit.xml"
    traces: dict[str, str] = {}
    if not junit.exists():
        return traces
    for case in ET.parse(junit).getroot().iter("testcase"):
        for kind in ("failure", "error"):
            node = case.find(kind)
            if node is not None:
                test = node_id(workdir / "upstream" / package, case.get("classname", ""), case.get("name", ""))
                traces[test] = f"{node.get('message') or ''}\n{node.text or ''}"
    return traces


def run_suite_under(
    subject: Subject, channel: Channel, constraints: Path, sdist: SdistFile, interpreter: Interpreter, options: Options,
    catalogue: Catalogue, label: str, log: Log, other: str,
) -> SuiteRun:  # fmt: skip
    """The subject's suite, the project installed from `sdist`, under `channel`'s pins
    (its own pin left out) on one Python."""
    canary, python = subject.canary, interpreter.version
    result = SuiteRun(channel.name)
    started = time.monotonic()
    workdir = (options.workdir / f"scan-measure-{subject.name}-{label}").resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    pins = {n: p for n, p in pins_for(read_pins(constraints), python).items() if n != canary.distribution}
    # the channel's own index (a copy served here, when the channel pins its builds) stays named
    plain = write_pins(pins, workdir / "constraints.txt", f"{channel.name} on Python {python} without {canary.distribution}", index_urls(constraints.read_text(encoding="utf-8")))
    pinned = PinnedSet(channel.name, plain, read_pins(plain), channel)
    env = venvs.create(workdir / "venv", interpreter)
    extras = f"[{','.join(canary.extras)}]" if canary.extras else ""
    out = env.pip("install", "-c", str(plain), f"{canary.distribution}{extras} @ {sdist.path.resolve().as_uri()}", timeout=options.timeout)
    if not out.ok and "conflict" in (out.stdout + out.stderr).lower():
        # Its own upper bounds (Flask<3.0) refuse the channel: the code is what is measured,
        # so it goes in as user code would, with its requirements but not their bounds.
        bounds = _conflict_lines(out.stdout + out.stderr)
        out = _install_unbounded(env, plain, canary.distribution, canary.extras, sdist.path, options.timeout)
        if out.ok:
            result.notes.append(f"installed without its own version bounds, which refuse {channel.name}: {bounds}")
    if not out.ok:
        result.status = "error"
        message = f"does not install under {channel.name}: " + _conflict_lines(out.stdout + out.stderr)
        result.problems.append(message)
        result.failing["<install>"] = message
        result.seconds = round(time.monotonic() - started, 1)
        return result
    installed = env.freeze()
    ctx = Context(pinned, python, env, workdir, options, log, installed)
    # Known failures of the registry that hold on both channels (the machine's, not the move's).
    known = [k for k, chans in canary.known_failures if not chans or (channel.name in chans and other in chans)]
    try:
        run, problems, _ = run_suite(ctx, canary.suite, catalogue, known, sdist)
    except FlaskLTSError as exc:
        result.status = "error"
        result.problems.append(str(exc).splitlines()[0])
        return result
    finally:
        testtools.remove(env)
    result.status = "error" if run.status == "skip" else run.status
    result.tests, result.failed, result.skipped = run.tests, run.failed + run.errors, run.skipped
    result.passed = run.passed
    for p in problems:
        if p.test:
            result.failing[p.test] = p.message.strip().splitlines()[0][:300] if p.message.strip() else ""
        else:
            result.problems.append(p.message.strip().splitlines()[0][:300] if p.message.strip() else "")
    if run.status == "skip":
        result.problems += run.notes
    traces = _junit_traces(workdir, canary.suite.package)
    result.frames = {test: sorted([list(f) for f in locations(traces.get(test, "") + "\n" + p)]) for test, p in result.failing.items()}
    whole = [p.message for p in problems if not p.test]
    if whole and not result.failing:  # the suite as a whole failed (a conftest that does not import)
        text = "\n".join(whole)
        cause = next((l.strip() for l in text.splitlines() if l.lstrip().startswith("E ") or "Error" in l), "")
        result.failing["<suite>"] = (cause or (result.problems[0] if result.problems else "the suite failed"))[:300]
        result.frames["<suite>"] = sorted([list(f) for f in locations("\n".join(whole))])
    result.seconds = round(time.monotonic() - started, 1)
    return result


def _conflict_lines(output: str) -> str:
    lines = [l.strip() for l in output.splitlines() if "ERROR" in l or "conflict" in l.lower() or " depends on " in l]
    if lines:
        return "; ".join(lines[-4:])
    return output.strip().splitlines()[-1] if output.strip() else "pip failed"


_REQUIRES = (
    "import importlib.metadata as m, json, sys; "
    "print(json.dumps(m.requires(sys.argv[1]) or []))"
)


def _install_unbounded(env: venvs.Environment, constraints: Path, name: str, extras: Sequence[str], sdist: Path, timeout: float) -> venvs.Outcome:
    """The project without dependencies, then its requirements (and those of its extras) by
    name only, under the channel's constraints."""
    out = env.pip("install", "--no-deps", str(sdist.resolve()), timeout=timeout)
    if not out.ok:
        return out
    listed = venvs.run([env.python, "-c", _REQUIRES, name], timeout=60)
    if not listed.ok:
        return listed
    from packaging.markers import default_environment
    from packaging.requirements import Requirement

    names = []
    for text in json.loads(listed.stdout):
        req = Requirement(text)
        wanted = [{**default_environment(), "extra": e} for e in ("", *extras)]
        if req.marker is None or any(req.marker.evaluate(w) for w in wanted):
            names.append(req.name + (f"[{','.join(sorted(req.extras))}]" if req.extras else ""))
    return env.pip("install", "-c", str(constraints), *names, timeout=timeout) if names else out


_LOCATION = re.compile(r"([\w./\\-]+\.py):(\d+)")


def locations(trace: str) -> set[tuple[str, int]]:
    """The (path, line) of every frame a failure text names, the path from the installed
    package (after site-packages/) or from the suite's folder (after upstream/<package>/)."""
    found = set()
    for path, line in _LOCATION.findall(trace):
        parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
        if "site-packages" in parts:
            parts = parts[parts.index("site-packages") + 1 :]
        elif "upstream" in parts and len(parts) > parts.index("upstream") + 2:
            parts = parts[parts.index("upstream") + 2 :]
        found.add(("/".join(parts), int(line)))
    return found


def _same_file(frame_path: str, path: str) -> bool:
    """Whether a traceback's path and a source path name one file (compared from the end)."""
    parts = [p for p in path.replace(os.sep, "/").split("/") if p not in ("", ".")]
    frame = frame_path.split("/")
    n = min(len(frame), len(parts))
    return bool(n) and frame[-n:] == parts[-n:] and (n >= 2 or len(parts) == 1 or len(frame) == 1)


def line_maps(original: Path, fixed: Path) -> dict[str, dict[int, int]]:
    """For each .py file that --fix changed: its line numbers in the fixed copy -> the original's
    (an import split in two puts the next lines one further down)."""
    maps: dict[str, dict[int, int]] = {}
    for path in sorted(fixed.rglob("*.py")):
        before = original / path.relative_to(fixed)
        if not before.is_file():
            continue
        a = before.read_text(encoding="utf-8", errors="replace").splitlines()
        b = path.read_text(encoding="utf-8", errors="replace").splitlines()
        if a == b:
            continue
        mapping: dict[int, int] = {}
        for _, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            for k in range(j2 - j1):
                mapping[j1 + k + 1] = i1 + min(k, max(i2 - i1 - 1, 0)) + 1
        maps[path.relative_to(fixed).as_posix()] = {f: o for f, o in mapping.items() if f != o}
    return maps


def original_frames(frames: Iterable[Sequence], maps: dict[str, dict[int, int]]) -> list[list]:
    """A traceback of the fixed copy, its lines given in the original's numbering."""
    out = []
    for path, line in frames:
        mapping = next((m for rel, m in maps.items() if _same_file(path, rel)), {})
        out.append([path, mapping.get(line, line)])
    return sorted(out)


def names_finding(frames: Iterable[Sequence], finding: dict) -> bool:
    """Whether a traceback passes through the finding's line (paths compared from the end;
    the sdist's src/ layout and the installed package differ only in front)."""
    parts = [p for p in finding["path"].replace(os.sep, "/").split("/") if p not in ("", ".")]
    for path, line in frames:
        frame = path.split("/")
        if line != finding["line"] or not frame:
            continue
        n = min(len(frame), len(parts))
        if frame[-n:] == parts[-n:] and (n >= 2 or len(parts) == 1 or len(frame) == 1):
            return True
    return False


@dataclass
class Prepared:
    sdist: SdistFile
    fixed_sdist: SdistFile | None
    scan: ScanRun
    fix: ScanRun | None
    lines: int
    line_maps: dict[str, dict[int, int]] = field(default_factory=dict)  # the fixed copy's lines -> the original's


def prepare(subject: Subject, old: str, new: str, options: Options, log: Log) -> Prepared:
    """Fetch the sdist, scan it, and make the fixed copy (repacked as an sdist) if --fix changed anything."""
    canary = subject.canary
    sdist = fetch_sdist(canary.distribution, subject.version, options.sdist_cache.resolve())
    base = (options.workdir / f"scan-measure-{subject.name}-source").resolve()
    top = f"{canary.distribution}-{subject.version}"
    with Sdist(sdist.path) as archive:
        names = archive.names
        extract(archive, names, base / "original" / top)
    tree = base / "original" / top
    lines = sum(p.read_bytes().count(b"\n") for p in tree.rglob("*.py") if p.is_file())
    scan = scan_tree(tree, old, new)
    log(f"scan --from {old} --to {new}: {len(scan.findings)} findings in {scan.files} files ({scan.seconds:.2f}s)")
    fixed_tree = base / "fixed" / top
    if fixed_tree.parent.exists():
        shutil.rmtree(fixed_tree.parent)
    shutil.copytree(tree, fixed_tree)
    fix = scan_tree(fixed_tree, old, new, fix=True)
    log(f"scan --fix: {fix.fixed} fixed")
    fixed_sdist = None
    if fix.fixed:
        suffix = ".tar.gz"
        path = repack(fixed_tree, top, base / "fixed-sdist" / f"{top}{suffix}")
        fixed_sdist = SdistFile(path, sdist.uploaded, sdist.url)
    return Prepared(sdist, fixed_sdist, scan, fix, lines, line_maps(tree, fixed_tree) if fix.fixed else {})
