"""Resolve a channel into constraints: uv on each real interpreter, pip-tools where pins change, merged.

uv resolves the channel on every supported Python (about 2 s each, hashes included).
pip-tools stays the reference for what is published: on every Python where uv's pins
differ from the previous constraints (or when there are none), pip-compile resolves the
same input again and its pins are the ones used; a disagreement is reported in the notes.
An unchanged Python keeps pins that pip-tools produced when they last changed.

Where the channel publishes a backport build of a frozen release (`packages/<channel>/`,
docs/backports.md), the pins of that release move to the build, with its hashes, and the
resolution names the channel's own index, which the written files carry.

`resolve(channel, interpreters)` returns a `ChannelResolution` (nothing written);
`constraints_writer.write_constraints(resolution, out_dir)` writes every file atomically, or none.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from . import _layout as layout
from . import index
from ._exceptions import AdvisoryDatabaseError, ResolutionError
from .admission import Admission, admission_lines
from .channel import Channel, in_series
from .constraints import Pin, Resolution, environment, merge, parse_pins, pins_for
from .pythons import Interpreter
from .toolenv import TIMEOUT, tool_environment, uv_environ, venv_python

Log = Callable[[str], None]


@dataclass
class PythonResult:
    python: str
    interpreter: Interpreter
    resolution: Resolution
    seconds: float
    tool: str = "pip-tools"  # which resolver's pins these are: "uv" or "pip-tools"
    cross_check: str = ""  # "uv and pip-tools agree", or what they disagreed on


@dataclass
class ChannelResolution:
    channel: Channel
    results: list[PythonResult]
    merged: list[Pin]  # constraints: every package pinned on every Python
    exact: list[Pin]  # requirements: a line only where the package was resolved
    platform_pins: list[Pin] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    admissions: list[Admission] = field(default_factory=list)  # what the status and holds let in (admission.py)
    index_url: str | None = None  # the channel's own index, when a pin is one of its backport builds


Builds = Mapping[str, tuple[str, str, Sequence[str]]]  # package -> (frozen release, build version, sha256s)


def to_builds(result: PythonResult, builds: Builds) -> PythonResult:
    """The result with every pin of a backported frozen release moved to its build."""
    from .backports._index import move_pins

    if builds:
        result.resolution = Resolution(result.python, {p.name: p for p in move_pins(result.resolution.pins.values(), builds)})
    return result


def check_index(channel: Channel, log: Log) -> None:
    """Every frozen package exists on the index and every series has a release."""
    started = time.monotonic()
    wanted = dict(channel.series)
    projects = index.projects(sorted(wanted))
    for name, series in wanted.items():
        if not projects[name].in_series(series):
            raise ResolutionError(
                f"{channel.path}: {channel.display_name(name)} series {series} has no (unyanked) release on the "
                f"package index; choose a series that exists"
            )
    for exc in channel.exceptions:
        if not index.project(exc.package).in_series(exc.series):
            raise ResolutionError(
                f"{channel.path}: exception for {exc.package}: series {exc.series} has no release on the package index"
            )
    log(f"index: {len(wanted)} packages and their series found ({time.monotonic() - started:.1f}s)")


def _input_files(channel: Channel, python: str, directory: Path, admissions: Sequence[Admission] = ()) -> Path:
    series_lines = []
    for name in sorted(channel.series):
        series_lines.append(f"{name}=={channel.allowed_series(name, python)}.*")
    series_lines += [a.line for a in admissions]  # holds and the status policy (admission.py)
    (directory / "series.txt").write_text("\n".join(series_lines) + "\n")
    infile = directory / f"channel-{channel.name}.in"
    infile.write_text("\n".join(channel.top_packages()) + "\n-c series.txt\n")
    return infile


def _conflict_summary(output: str) -> str:
    lines = [l.strip() for l in output.splitlines()]
    keep = []
    capture = False
    for line in lines:
        if "conflict is caused by" in line or line.startswith("Could not find a version"):
            capture = True
        if capture and line:
            if line.startswith(("To fix this", "Additionally", "Hint")):
                break
            keep.append(line)
    if not keep:
        keep = [l for l in lines if l and "WARNING: Location" not in l][-6:]
    return " | ".join(keep)


def _clean_via(via: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v for v in via if not v.startswith(("-r ", "-c ")))


def compile_python(
    channel: Channel, interpreter: Interpreter, tools_root: Path, log: Log, admissions: Sequence[Admission] = (),
) -> PythonResult:  # fmt: skip
    """pip-compile the full channel (core + every extra) on one real interpreter."""
    python = interpreter.version
    started = time.monotonic()
    venv = tool_environment(interpreter, tools_root)
    with tempfile.TemporaryDirectory(prefix=f"flask-lts-{channel.name}-py{python}-") as tmp:
        directory = Path(tmp)
        infile = _input_files(channel, python, directory, admissions)
        cmd = [
            str(venv_python(venv)), "-m", "piptools", "compile",
            "-v", "--no-header", "--strip-extras", "--allow-unsafe",  # -v: pip explains conflicts
            "--no-emit-index-url", "--no-emit-find-links", "--generate-hashes",
            "--output-file", "out.txt", infile.name,
        ]  # fmt: skip
        try:
            proc = subprocess.run(cmd, cwd=directory, capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ResolutionError(f"channel {channel.name} on Python {python}: pip-compile timed out after {TIMEOUT}s") from None
        if proc.returncode != 0:
            raise ResolutionError(
                f"channel {channel.name} on Python {python}: the series cannot resolve together: "
                + _conflict_summary(proc.stdout + proc.stderr)
            )
        pins = parse_pins((directory / "out.txt").read_text(), f"pip-compile output for Python {python}")
    resolution = Resolution(python, {p.name: Pin(p.name, p.version, None, p.hashes, _clean_via(p.via)) for p in pins})
    seconds = time.monotonic() - started
    log(f"py{python}: pip-compile {len(pins)} pins in {seconds:.1f}s ({interpreter.path})")
    return PythonResult(python, interpreter, resolution, seconds)


def compile_python_uv(
    channel: Channel, interpreter: Interpreter, uv: Path, log: Log, admissions: Sequence[Admission] = (),
) -> PythonResult:  # fmt: skip
    """uv pip compile of the full channel for one real interpreter (same input as pip-compile)."""
    python = interpreter.version
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"flask-lts-{channel.name}-py{python}-uv-") as tmp:
        directory = Path(tmp)
        infile = _input_files(channel, python, directory, admissions)
        cmd = [
            str(uv), "pip", "compile", "--quiet", "--no-header", "--strip-extras", "--annotation-style", "line",
            "--generate-hashes", "--python", str(interpreter.path), "--python-version", python,
            "--index-url", index.index_url(), "--output-file", "out.txt", infile.name,
        ]  # fmt: skip
        try:
            proc = subprocess.run(cmd, cwd=directory, capture_output=True, text=True, timeout=TIMEOUT, env=uv_environ())
        except subprocess.TimeoutExpired:
            raise ResolutionError(f"channel {channel.name} on Python {python}: uv pip compile timed out after {TIMEOUT}s") from None
        if proc.returncode != 0:
            detail = " | ".join(l.strip() for l in proc.stderr.strip().splitlines()[-8:] if l.strip())
            raise ResolutionError(f"channel {channel.name} on Python {python}: the series cannot resolve together: {detail}")
        pins = parse_pins((directory / "out.txt").read_text(), f"uv output for Python {python}")
    resolution = Resolution(python, {p.name: Pin(p.name, p.version, None, p.hashes, _clean_via(p.via)) for p in pins})
    seconds = time.monotonic() - started
    log(f"py{python}: uv {len(pins)} pins in {seconds:.1f}s")
    return PythonResult(python, interpreter, resolution, seconds, tool="uv")


def _versions(pins: dict) -> dict[str, str]:
    return {name: pin.version for name, pin in pins.items()}


def _disagreement(uv: PythonResult, reference: PythonResult) -> str:
    a, b = _versions(uv.resolution.pins), _versions(reference.resolution.pins)
    names = sorted(n for n in set(a) | set(b) if a.get(n) != b.get(n))
    return ", ".join(f"{n} (uv {a.get(n, '-')}, pip-tools {b.get(n, '-')})" for n in names)


def check_series(channel: Channel, results: Sequence[PythonResult], platform_pins: Sequence[Pin]) -> None:
    """Every pin lies inside its frozen series (or a declared exception); otherwise stop."""
    problems = []
    for result in results:
        for name, pin in sorted(result.resolution.pins.items()):
            series = channel.allowed_series(name, result.python)
            if series is None:
                via = ", ".join(pin.via) or "the channel"
                problems.append(
                    f"{name}=={pin.version} (needed by {via} on Python {result.python}) is not frozen by the channel; "
                    f"add it to [dependencies] in {channel.path}"
                )
            elif not in_series(pin.version, series):
                problems.append(
                    f"{name}=={pin.version} on Python {result.python} is outside its frozen series {series}; "
                    f"declare an [[exceptions]] entry with its reason in {channel.path}"
                )
    for pin in platform_pins:
        pythons = [p for p in channel.pythons if any(pin.applies(environment(p, plat, m)) for plat, m in _PLATFORM_GRID)]
        series = channel.allowed_series(pin.name, pythons[0]) if pythons else None
        if series is None:
            problems.append(
                f"{pin.name}=={pin.version} (needed on other platforms: {pin.marker}) is not frozen by the channel; "
                f"add it to [dependencies] in {channel.path}"
            )
        elif not in_series(pin.version, series):
            problems.append(f"{pin.name}=={pin.version} (other platforms) is outside its frozen series {series}")
    if problems:
        raise ResolutionError(f"channel {channel.name}: " + problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))


_PLATFORM_GRID = [("linux", "x86_64"), ("linux", "aarch64"), ("win32", "AMD64"), ("darwin", "arm64"), ("darwin", "x86_64")]


def universal_pins(channel: Channel, interpreter: Interpreter, uv: Path, log: Log, admissions: Sequence[Admission] = ()) -> list[Pin]:
    """uv's universal resolution, for the packages only other platforms need."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"flask-lts-{channel.name}-universal-") as tmp:
        directory = Path(tmp)
        infile = _input_files(channel, interpreter.version, directory, admissions)
        cmd = [
            str(uv), "pip", "compile", "--universal", "--quiet", "--no-header", "--no-annotate",
            "--generate-hashes", "--python", str(interpreter.path), "--python-version", interpreter.version,
            "--index-url", index.index_url(), "--output-file", "out.txt", infile.name,
        ]  # fmt: skip
        env = uv_environ()
        try:
            proc = subprocess.run(cmd, cwd=directory, capture_output=True, text=True, timeout=TIMEOUT, env=env)
        except subprocess.TimeoutExpired:
            raise ResolutionError(f"channel {channel.name}: uv universal resolution timed out") from None
        if proc.returncode != 0:
            raise ResolutionError(
                f"channel {channel.name}: uv universal resolution failed: " + " | ".join(proc.stderr.strip().splitlines()[-6:])
            )
        pins = parse_pins((directory / "out.txt").read_text(), "uv output")
    log(f"universal: uv {len(pins)} lines in {time.monotonic() - started:.1f}s")
    return pins


def resolve(
    channel: Channel,
    interpreters: dict[str, Interpreter],
    tools_root: Path,
    uv: Path | None,
    log: Log = print,
    jobs: int = 2,
    advisories: object | None = None,
    previous: Sequence[Pin] | None = None,
    universal: bool = True,
    reference: str = "changed",
    builds: Builds | None = None,
    index_url: str | None = None,
) -> ChannelResolution:
    """Resolve the channel on each supported Python and merge; writes nothing.

    With `uv`, uv resolves every Python and pip-tools (the reference) resolves again
    each Python whose pins differ from `previous` (`reference="all"`: every Python;
    no `previous`: every Python; `"none"`: none, for what is never published); without
    `uv`, pip-tools resolves every Python.
    `universal`: add what only other platforms need (uv --universal).
    What the channel's status and holds let in (admission.py) is added to the series
    constraints; a security-only channel needs the advisories (default: the repository's).
    `builds` (default: the channel's published ones, backports.channel_builds) replace the pins
    of their frozen releases; `index_url` (default: the channel's index on the site) serves them."""
    if reference not in ("changed", "all", "none"):
        raise ValueError(f"reference must be 'changed', 'all' or 'none', not {reference!r}")
    check_index(channel, log)
    if builds is None:
        from .backports._published import channel_builds

        builds = channel_builds(channel.name)
    pythons = list(channel.pythons)
    if channel.status == "security-only" and advisories is None:
        from .audit import default_advisory_dirs, load_advisories

        dirs = default_advisory_dirs()
        if not dirs:
            raise AdvisoryDatabaseError(f"channel {channel.name} is security-only: resolving it needs the advisories (advisories/ or FLASK_LTS_ADVISORIES)")
        advisories = load_advisories(*dirs)
    admissions = {p: admission_lines(channel, p, advisories) for p in pythons}
    admitted = list(dict.fromkeys(a for p in pythons for a in admissions[p]))
    notes: list[str] = [f"admitted: {a.line} ({a.reason})" for a in admitted]
    for note in notes:
        log(note)

    def one(python: str) -> PythonResult:
        interpreter = interpreters[python]
        if uv is None:
            return to_builds(compile_python(channel, interpreter, tools_root, log, admissions[python]), builds)
        fast = to_builds(compile_python_uv(channel, interpreter, uv, log, admissions[python]), builds)
        if reference == "none":  # evidence that is never published (a proposal's series check): uv alone
            fast.cross_check = "not cross-checked (nothing is published from it)"
            return fast
        if reference == "changed" and previous is not None:
            # the merged file pins every package on every Python: compare what uv resolved
            before = {n: p.version for n, p in pins_for(previous, python).items()}
            if all(before.get(n) == v for n, v in _versions(fast.resolution.pins).items()):
                fast.cross_check = "unchanged since the previous constraints"
                return fast
        checked = to_builds(compile_python(channel, interpreter, tools_root, log, admissions[python]), builds)
        disagreement = _disagreement(fast, checked)
        checked.cross_check = f"uv and pip-tools disagree: {disagreement}; pip-tools' pins are used" if disagreement else "uv and pip-tools agree"
        checked.seconds += fast.seconds
        return checked

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(one, pythons))
    for result in results:
        if "disagree" in result.cross_check:
            notes.append(f"Python {result.python}: {result.cross_check}")
            log(f"WARNING: Python {result.python}: {result.cross_check}")
    resolved_names = {n for r in results for n in r.resolution.pins}
    platform_pins: list[Pin] = []
    if uv is not None and universal:
        for pin in universal_pins(channel, interpreters[pythons[0]], uv, log, admissions[pythons[0]]):
            if pin.name in resolved_names:
                continue
            if any(pin.applies(environment(p, plat, m)) for p in pythons for plat, m in _PLATFORM_GRID):
                platform_pins.append(pin)
        if platform_pins:
            notes.append(
                "other platforms: " + ", ".join(f"{p.name}=={p.version} ; {p.marker}" for p in platform_pins)
            )
    check_series(channel, results, platform_pins)
    resolution = assemble(channel, results, platform_pins, builds, index_url, notes, admitted)
    if resolution.index_url:
        log(resolution.notes[-1])
    return resolution


def assemble(
    channel: Channel, results: Sequence[PythonResult], platform_pins: Sequence[Pin], builds: Builds,
    index_url: str | None = None, notes: Sequence[str] = (), admissions: Sequence[Admission] = (),
) -> ChannelResolution:  # fmt: skip
    """The per-Python results (their pins already moved to the builds, `to_builds`) merged into the
    channel's resolution; when a pin is one of the channel's builds, the resolution names the
    channel's index (`index_url`, default: the one on the site) and says so in a note."""
    merged = merge([r.resolution for r in results], platform_pins)
    exact = merge([r.resolution for r in results], platform_pins, fill=False)
    moved = sorted({(p.name, v[0], p.version) for p in merged if (v := builds.get(p.name)) and p.version == v[1]})
    notes = list(notes)
    url = None
    if moved:
        url = index_url or layout.channel_index_url(channel.name)
        notes.append("backport builds: " + ", ".join(f"{n} {r} -> {b}" for n, r, b in moved) + f" (served by {url})")
    return ChannelResolution(channel, list(results), merged, exact, list(platform_pins), notes, list(admissions), url)
