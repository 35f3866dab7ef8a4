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

import configparser
import datetime as _dt
import fnmatch
import hashlib
import json
import os
import posixpath
import re
import shlex
import shutil
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from . import index
from ._exceptions import FlaskLTSError
from ._files import atomic_write
from ._toml import tomllib
from .verify import RESOURCES, Context, Problem, StageResult, WarningRecord, install_test_tools, run_pytest

CATALOGUE = RESOURCES / "upstream.toml"
DOWNLOAD_TIMEOUT = 120


class UpstreamError(FlaskLTSError):
    """The suite catalogue or a known-failures file is malformed, or an sdist cannot be used."""


# -- the catalogue (resources/upstream.toml) ----------------------------------------


@dataclass(frozen=True)
class Suite:
    """How to run one package's own test suite from its sdist."""

    package: str
    tests: tuple[str, ...] = ("tests",)  # paths in the sdist: directories or files
    files: tuple[str, ...] = ()  # other files the suite reads (copied beside the tests)
    exclude: tuple[str, ...] = ()  # globs of sdist paths never copied
    run: tuple[str, ...] = ()  # globs of the test modules to run; empty = all of them
    subset: str = ""  # why only `run` runs (required when `run` or `exclude` narrow the suite)
    pytest_args: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()  # sources of test requirements; empty = discover
    extra_requirements: tuple[str, ...] = ()
    ignore_requirements: tuple[str, ...] = ()
    timeout: float = 300
    skip: str = ""  # not run, with the reason
    skip_versions: str | None = None  # only these versions are not run (default: all)
    missing_tests_ok: str | None = None  # versions whose sdist is known to ship no tests
    note: str = ""

    def skips(self, version: str) -> bool:
        return bool(self.skip) and SpecifierSet(self.skip_versions or "").contains(version, prereleases=True)


@dataclass(frozen=True)
class Catalogue:
    suites: dict[str, Suite]
    requirement_files: tuple[str, ...]
    extras: tuple[str, ...]
    ignore_requirements: tuple[str, ...]
    era: tuple[str, ...]
    tool_warnings: tuple[str, ...] = ()
    era_best_effort: tuple[str, ...] = ()


_SUITE_KEYS = {
    "tests", "files", "exclude", "run", "subset", "pytest-args", "requirements", "extra-requirements",
    "ignore-requirements", "timeout", "skip", "skip-versions", "missing-tests-ok", "note",
}  # fmt: skip


def _strings(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UpstreamError(f"{where}: expected a list of strings")
    return tuple(value)


def parse_catalogue(data: Mapping, source: str = "upstream.toml") -> Catalogue:
    defaults = data.get("defaults", {})
    suites: dict[str, Suite] = {}
    for name, entry in data.get("suites", {}).items():
        where = f"{source} [suites.{name}]"
        if canonicalize_name(name) != name:
            raise UpstreamError(f"{where}: use the canonical name {canonicalize_name(name)!r}")
        unknown = set(entry) - _SUITE_KEYS
        if unknown:
            raise UpstreamError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        kwargs: dict = {}
        for key in ("tests", "files", "exclude", "run", "pytest-args", "requirements", "extra-requirements", "ignore-requirements"):
            if key in entry:
                kwargs[key.replace("-", "_")] = _strings(entry[key], f"{where} {key}")
        for key in ("subset", "skip", "skip-versions", "note", "missing-tests-ok"):
            if key in entry:
                if not isinstance(entry[key], str):
                    raise UpstreamError(f"{where} {key}: expected a string")
                kwargs[key.replace("-", "_")] = entry[key]
        if "timeout" in entry:
            kwargs["timeout"] = float(entry["timeout"])
        if (kwargs.get("run") or kwargs.get("exclude")) and not kwargs.get("subset"):
            raise UpstreamError(f"{where}: a narrowed suite (run/exclude) must say why in `subset`")
        for key in ("missing_tests_ok", "skip_versions"):
            try:
                SpecifierSet(kwargs.get(key) or "")
            except InvalidSpecifier:
                raise UpstreamError(f"{where} {key.replace('_', '-')}: not a version specifier") from None
        if kwargs.get("skip_versions") and not kwargs.get("skip"):
            raise UpstreamError(f"{where}: skip-versions needs the reason in `skip`")
        suites[name] = Suite(name, **kwargs)
    return Catalogue(
        suites,
        _strings(defaults.get("requirement-files", []), f"{source} [defaults] requirement-files"),
        _strings(defaults.get("extras", ["tests", "test"]), f"{source} [defaults] extras"),
        tuple(canonicalize_name(n) for n in _strings(defaults.get("ignore-requirements", []), f"{source} [defaults]")),
        _strings(defaults.get("era", ["pytest", "pytest-*"]), f"{source} [defaults] era"),
        _strings(defaults.get("tool-warnings", []), f"{source} [defaults] tool-warnings"),
        _strings(defaults.get("era-best-effort", []), f"{source} [defaults] era-best-effort"),
    )


def load_catalogue(path: Path = CATALOGUE) -> Catalogue:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UpstreamError(f"{path}: unreadable suite catalogue ({exc})") from None
    return parse_catalogue(data, str(path))


# -- known failures (channels/known-failures/<channel>.toml) -------------------------


@dataclass(frozen=True)
class KnownFailure:
    package: str
    test: str  # pytest node id relative to the suite's root, e.g. tests/test_x.py::test_y
    reason: str
    python: SpecifierSet | None = None
    versions: SpecifierSet | None = None  # versions of the package it applies to


def parse_known_failures(data: Mapping, source: str = "known-failures") -> list[KnownFailure]:
    known = []
    for number, entry in enumerate(data.get("failure", []), start=1):
        where = f"{source} [[failure]] #{number}"
        missing = [k for k in ("package", "test", "reason") if not entry.get(k)]
        if missing:
            raise UpstreamError(f"{where}: missing {', '.join(missing)} (every known failure names its test and reason)")
        unknown = set(entry) - {"package", "test", "reason", "python", "versions"}
        if unknown:
            raise UpstreamError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        specs = {}
        for key in ("python", "versions"):
            try:
                specs[key] = SpecifierSet(entry[key]) if entry.get(key) else None
            except InvalidSpecifier:
                raise UpstreamError(f"{where} {key}: {entry[key]!r} is not a version specifier") from None
        known.append(KnownFailure(canonicalize_name(entry["package"]), entry["test"], entry["reason"], **specs))
    return known


def load_known_failures(path: Path | None) -> list[KnownFailure]:
    if path is None:
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UpstreamError(f"{path}: unreadable known-failures file ({exc})") from None
    return parse_known_failures(data, str(path))


def known_failures_for(known: Iterable[KnownFailure], package: str, version: str, python: str) -> list[KnownFailure]:
    """The known failures that apply to this package version on this Python (full version, e.g. 3.12.1)."""
    return [
        k
        for k in known
        if k.package == package
        and (k.python is None or k.python.contains(python, prereleases=True))
        and (k.versions is None or k.versions.contains(version, prereleases=True))
    ]


# -- test requirements declared by the sdist -----------------------------------------


@dataclass
class Declared:
    source: str  # where they came from, for the report
    requirements: list[Requirement]
    notes: list[str] = field(default_factory=list)


_FACTOR = re.compile(r"^[\w{}.,!-]+:\s")  # tox factor-conditional line: "py38: pkg"


def parse_requirement_lines(text: str, path: str = "", files: Mapping[str, str] | None = None, _seen: frozenset = frozenset()) -> tuple[list[Requirement], list[str]]:
    """Requirements of a requirements file (or tox deps); `-r` followed inside `files`; (requirements, notes)."""
    requirements: list[Requirement] = []
    notes: list[str] = []
    text = re.sub(r"\\\n", " ", text)
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line or _FACTOR.match(line) or "{" in line:
            continue
        if line.startswith(("-r", "--requirement")):
            target = line.split(None, 1)[1] if " " in line else line[2:]
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), target.strip()))
            if files is not None and target in files and target not in _seen:
                more, more_notes = parse_requirement_lines(files[target], target, files, _seen | {path})
                requirements += more
                notes += more_notes
            else:
                notes.append(f"{path or 'deps'}: included file {target} is not in the sdist")
            continue
        if line.startswith("-") or ("://" in line.split(";")[0] and "@" not in line):
            continue  # -c/-e/--index-url options and bare URLs are not test tools we can name
        try:
            requirements.append(Requirement(line))
        except InvalidRequirement:
            notes.append(f"{path or 'deps'}: skipped unparsable line {line!r}")
    return requirements, notes


def tox_test_deps(text: str) -> list[str]:
    """The unconditional `deps` lines of tox.ini's [testenv] (factor lines and substitutions dropped)."""
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    if not parser.has_option("testenv", "deps"):
        return []
    return [line for line in parser.get("testenv", "deps").splitlines() if line.strip()]


def dependency_group(pyproject: Mapping, name: str, _seen: frozenset = frozenset()) -> list[str] | None:
    """A PEP 735 dependency group with its include-group entries expanded; None if absent."""
    groups = pyproject.get("dependency-groups", {})
    wanted = canonicalize_name(name)
    entries = next((v for k, v in groups.items() if canonicalize_name(k) == wanted), None)
    if entries is None:
        return None
    out: list[str] = []
    for entry in entries:
        if isinstance(entry, str):
            out.append(entry)
        elif isinstance(entry, dict) and "include-group" in entry and entry["include-group"] not in _seen:
            out += dependency_group(pyproject, entry["include-group"], _seen | {name}) or []
    return out


def metadata_requirements(pkg_info: str) -> list[Requirement]:
    """Requires-Dist of an sdist's PKG-INFO (core metadata)."""
    message = HeaderParser().parsestr(pkg_info)
    out = []
    for value in message.get_all("Requires-Dist") or []:
        try:
            out.append(Requirement(value))
        except InvalidRequirement:
            continue
    return out


def egg_info_requirements(requires_txt: str) -> list[Requirement]:
    """setuptools' egg-info requires.txt ("[extra]" or "[extra:marker]" sections) as
    Requires-Dist-style requirements; older sdists keep their extras only there."""
    out: list[Requirement] = []
    section = ""
    for raw in requires_txt.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        extra, _, marker = section.partition(":")
        conditions = [f'extra == "{extra}"'] if extra else []
        if marker:
            conditions.append(f"({marker})")
        try:
            req = Requirement(line)
            if conditions:
                if req.marker is not None:
                    conditions.append(f"({req.marker})")
                req = Requirement(f"{str(req).split(';')[0]} ; {' and '.join(conditions)}")
            out.append(req)
        except InvalidRequirement:
            continue
    return out


def target_environment(python_full: str) -> dict[str, str]:
    """Marker environment of the Python under test (this machine, that Python version)."""
    env = dict(default_environment())
    env.update(python_version=".".join(python_full.split(".")[:2]), python_full_version=python_full, extra="")
    return env


def _extra_requirements(requirements: Sequence[Requirement], extra: str, environment: Mapping[str, str]) -> list[Requirement]:
    """The requirements of one extra that apply in `environment`, markers evaluated away."""
    chosen = []
    for req in requirements:
        if req.marker is not None and "extra" in str(req.marker) and req.marker.evaluate({**environment, "extra": extra}):
            req = Requirement(str(req))
            req.marker = None
            chosen.append(req)
    return chosen


def declared_test_requirements(
    files: Mapping[str, str], package: str, catalogue: Catalogue, suite: Suite, environment: Mapping[str, str],
) -> Declared:  # fmt: skip
    """The test requirements an sdist declares: the first source that names any.

    Order: requirements files (unpinned .in before compiled .txt, as the catalogue lists
    them), PEP 735 dependency groups, the `tests` extra in PKG-INFO, tox's [testenv] deps.
    A suite may name its own sources: a path, `dependency-groups:<name>`, `extra:<name>`
    or `tox`. Self-references (`pkg[extra]`) are expanded from the same metadata.
    """
    pyproject: dict = {}
    if "pyproject.toml" in files:
        try:
            pyproject = tomllib.loads(files["pyproject.toml"])
        except tomllib.TOMLDecodeError:
            pyproject = {}
    metadata = metadata_requirements(files.get("PKG-INFO", ""))
    if not metadata:
        requires = sorted((n for n in files if n.endswith(".egg-info/requires.txt")), key=lambda n: n.count("/"))
        metadata = egg_info_requirements(files[requires[0]]) if requires else []
    sources = list(suite.requirements) or [
        *catalogue.requirement_files,
        *(f"dependency-groups:{g}" for g in catalogue.extras),
        *(f"extra:{e}" for e in catalogue.extras),
        "tox",
    ]
    for source in sources:
        notes: list[str] = []
        if source.startswith("dependency-groups:"):
            group = dependency_group(pyproject, source.split(":", 1)[1])
            if not group:
                continue
            reqs, notes = parse_requirement_lines("\n".join(group), "pyproject.toml")
            label = f"pyproject.toml [dependency-groups] {source.split(':', 1)[1]}"
        elif source.startswith("extra:"):
            reqs = _extra_requirements(metadata, source.split(":", 1)[1], environment)
            label = f"metadata extra {source.split(':', 1)[1]!r}"
        elif source == "tox":
            if "tox.ini" not in files:
                continue
            reqs, notes = parse_requirement_lines("\n".join(tox_test_deps(files["tox.ini"])), "tox.ini", files)
            label = "tox.ini [testenv] deps"
        else:
            if source not in files:
                continue
            reqs, notes = parse_requirement_lines(files[source], source, files)
            label = source
        if not reqs:
            continue
        expanded: list[Requirement] = []
        for req in reqs:
            if canonicalize_name(req.name) == canonicalize_name(package):
                if req.marker is None or req.marker.evaluate(dict(environment)):
                    for extra in sorted(req.extras):
                        expanded += _extra_requirements(metadata, extra, environment)
                continue
            expanded.append(req)
        return Declared(label, expanded, notes)
    return Declared("none declared", [])


def _matches(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatch(name, canonicalize_name(p) if "*" not in p else p) for p in patterns)


def select_test_requirements(
    requirements: Iterable[Requirement], the_set: Mapping[str, str], ignore: Iterable[str], python_full: str,
) -> tuple[list[Requirement], list[str]]:  # fmt: skip
    """Requirements that apply on this Python, minus ignored tools and the set's own packages
    (the set wins: a set package asked for with extras stays, pinned to the set's version,
    so that its extras' tools come in). Returns (requirements merged by name, names dropped
    because the set has them)."""
    env = target_environment(python_full)
    ignore = list(ignore)
    merged: dict[str, Requirement] = {}
    from_set: list[str] = []
    for req in requirements:
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        name = canonicalize_name(req.name)
        if _matches(name, ignore):
            continue
        if name in the_set and not req.extras:
            from_set.append(name)
            continue
        req = Requirement(str(req))
        req.marker = None
        if name in the_set:
            req.specifier = SpecifierSet(f"=={the_set[name]}")
        if name in merged:
            merged[name].specifier &= req.specifier
            merged[name].extras |= req.extras
        else:
            merged[name] = req
    return list(merged.values()), sorted(set(from_set))


def _pinned(req: Requirement) -> bool:
    return any(s.operator in ("==", "===") and "*" not in s.version for s in req.specifier)


def era_release(project: index.Project, specifier: SpecifierSet, before: _dt.datetime, python_full: str) -> Version | None:
    """The newest final, unyanked release uploaded before `before` that fits the
    specifier and runs on this Python: the test tool of the sdist's own time."""
    fitting = [
        r.version
        for r in project.releases.values()
        if r.uploaded is not None and r.uploaded <= before and not r.yanked and not r.version.is_prerelease
        and specifier.contains(r.version) and (r.requires_python is None or r.requires_python.contains(python_full))
    ]  # fmt: skip
    return max(fitting, default=None)


def python_released(version: str, path: Path = RESOURCES / "python_lifecycle.toml") -> _dt.datetime | None:
    """When CPython X.Y.0 came out (resources/python_lifecycle.toml), or None if not listed."""
    try:
        versions = tomllib.loads(path.read_text(encoding="utf-8")).get("versions", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    released = versions.get(".".join(version.split(".")[:2]), {}).get("released")
    if isinstance(released, _dt.date):
        return _dt.datetime(released.year, released.month, released.day, tzinfo=_dt.timezone.utc)
    return None


def era_cutoff(sdist_uploaded: _dt.datetime | None, python_released: _dt.datetime | None) -> _dt.datetime | None:
    """The era of an sdist's test tools: its upload, or the Python's release when that came
    later (a tool cannot support a Python that did not exist yet)."""
    if sdist_uploaded is None:
        return None
    return max(sdist_uploaded, python_released) if python_released else sdist_uploaded


def apply_era(
    requirements: Sequence[Requirement], era: Sequence[str], before: _dt.datetime | None, python_full: str,
    lookup: Callable[[str], index.Project],
) -> tuple[list[str], list[str]]:  # fmt: skip
    """Pin the unpinned era tools (pytest, pytest-*) to their release of the era ending
    `before`; a suite with no pytest at all gets one. Returns (requirement strings, notes)."""
    reqs = list(requirements)
    if not any(canonicalize_name(r.name) == "pytest" for r in reqs):
        reqs.insert(0, Requirement("pytest"))
    out, notes = [], []
    for req in reqs:
        name = canonicalize_name(req.name)
        if before is None or _pinned(req) or not _matches(name, era):
            out.append(str(req))
            continue
        try:
            version = era_release(lookup(name), req.specifier, before, python_full)
        except FlaskLTSError as exc:
            notes.append(f"{name}: no era pin ({exc})")
            out.append(str(req))
            continue
        if version is None:
            notes.append(f"{name}: no release before {before.date()} fits {req.specifier or 'any'} on Python {python_full}; left to pip")
            out.append(str(req))
            continue
        extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
        out.append(f"{req.name}{extras}=={version}")
    return out, notes


# -- pytest ini options ---------------------------------------------------------------


def pytest_ini_options(files: Mapping[str, str]) -> tuple[str, dict[str, object]]:
    """The sdist's pytest options, from the file pytest itself would pick: (source, options)."""
    for name, section in (("pytest.ini", "pytest"), (".pytest.ini", "pytest"), ("pyproject.toml", None), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        if name not in files:
            continue
        if section is None:
            try:
                data = tomllib.loads(files[name])
            except tomllib.TOMLDecodeError:
                continue
            options = data.get("tool", {}).get("pytest", {}).get("ini_options")
            if options is not None:
                return f"{name} [tool.pytest.ini_options]", dict(options)
            continue
        parser = configparser.RawConfigParser(strict=False)
        try:
            parser.read_string(files[name])
        except configparser.Error:
            continue
        if parser.has_section(section):
            return f"{name} [{section}]", dict(parser.items(section))
    return "none", {}


_DROP_KEYS = {"testpaths", "required_plugins", "junit_family", "junit_suite_name", "cache_dir"}
_VALUE_FLAGS = {"-p", "-W", "--cov-report", "--cov-config", "--cov-fail-under", "--junitxml", "--junit-xml", "--basetemp"}


def _lines(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [line.strip() for line in str(value).splitlines() if line.strip()]


def _drop_option(flag: str, value: str) -> bool:
    if flag == "-p":
        return value in ("no:warnings", "no:cacheprovider")  # we record warnings; we set the cache
    if flag == "-W":
        return value.startswith("error")
    return flag.startswith("--cov") or flag in ("--junitxml", "--junit-xml", "--basetemp")


def filter_addopts(text: str) -> tuple[list[str], list[str]]:
    """(kept, dropped) arguments of an addopts value."""
    args = shlex.split(text)
    kept: list[str] = []
    dropped: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--") and "=" in arg:
            flag, value, used = *arg.split("=", 1), [arg]
        elif arg in _VALUE_FLAGS or arg == "--cov":
            takes = i + 1 < len(args) and (arg != "--cov" or not args[i + 1].startswith("-"))
            flag, value, used = arg, (args[i + 1] if takes else ""), args[i : i + 1 + takes]
        elif arg[:2] in ("-p", "-W") and len(arg) > 2:
            flag, value, used = arg[:2], arg[2:], [arg]
        else:
            flag, value, used = arg, "", [arg]
        (dropped if _drop_option(flag, value) else kept).extend(used)
        i += len(used)
    return kept, dropped


def filter_ini_options(options: Mapping[str, object]) -> tuple[dict[str, object], list[str]]:
    """Carry the sdist's options over, minus what fights the verifier: warnings turned
    into errors (we collect them), coverage, test paths and output options we set ourselves."""
    kept: dict[str, object] = {}
    dropped: list[str] = []
    for key, value in options.items():
        if key in _DROP_KEYS:
            dropped.append(key)
        elif key == "filterwarnings":
            lines = _lines(value)
            keep = [l for l in lines if l.split(":", 1)[0].strip().strip("'\"") != "error"]
            dropped += [f"filterwarnings {l}" for l in lines if l not in keep]
            if keep:
                kept[key] = keep
        elif key == "addopts":
            args, gone = filter_addopts(" ".join(value) if isinstance(value, list) else str(value))
            if gone:
                dropped.append("addopts " + " ".join(gone))
            if args:
                kept[key] = " ".join(shlex.quote(a) for a in args)
        else:
            kept[key] = value
    return kept, dropped


def render_ini(options: Mapping[str, object], source: str) -> str:
    lines = [f"# pytest options carried over from the sdist's {source} by flask-lts upstream", "[pytest]"]
    for key, value in options.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, list):
            text = "\n" + "\n".join(f"    {v}" for v in value) if value else ""
        else:
            text = str(value).replace("\n", "\n    ")
        lines.append(f"{key} = {text}".rstrip())
    return "\n".join(lines) + "\n"


# -- sdists: fetch, verify, read ------------------------------------------------------


@dataclass(frozen=True)
class SdistFile:
    path: Path
    uploaded: _dt.datetime | None
    url: str


def _get_json(url: str, timeout: float) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        raise UpstreamError(f"the package index answered HTTP {exc.code} for {url}") from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise UpstreamError(f"the package index is unreachable for {url} ({getattr(exc, 'reason', exc)})") from None


def fetch_sdist(name: str, version: str, cache: Path, timeout: float = index.TIMEOUT) -> SdistFile:
    """The sdist of name==version from the index, cached and checked against the index's sha256."""
    url = f"{index.json_api_base()}/{canonicalize_name(name)}/json"
    data = _get_json(url, timeout)
    files = next((f for v, f in data.get("releases", {}).items() if _same_version(v, version)), None)
    sdists = [f for f in files or [] if f.get("packagetype") == "sdist" and not f.get("yanked")] or [
        f for f in files or [] if f.get("packagetype") == "sdist"
    ]
    if not sdists:
        raise UpstreamError(f"{name} {version} has no sdist on the package index")
    entry = sdists[0]
    digest = (entry.get("digests") or {}).get("sha256")
    if not digest:
        raise UpstreamError(f"{name} {version}: the index gives no sha256 for {entry.get('filename')}; refusing an unchecked sdist")
    filename = Path(entry["filename"]).name
    target = cache / filename
    uploaded = _parse_time(entry.get("upload_time_iso_8601"))
    file_url = urllib.parse.urljoin(url, entry["url"])
    if target.exists() and _sha256(target) == digest:
        return SdistFile(target, uploaded, file_url)
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".{filename}.{os.getpid()}.{id(entry)}.tmp"
    try:
        with urllib.request.urlopen(file_url, timeout=DOWNLOAD_TIMEOUT) as response, open(tmp, "wb") as out:
            shutil.copyfileobj(response, out)
        if _sha256(tmp) != digest:
            raise UpstreamError(f"{filename}: sha256 differs from the index's {digest}; not using it")
        os.replace(tmp, target)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise UpstreamError(f"could not download {file_url} ({getattr(exc, 'reason', exc)})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return SdistFile(target, uploaded, file_url)


def _parse_time(text: str | None) -> _dt.datetime | None:
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def _same_version(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Sdist:
    """Regular files of an sdist archive (tar or zip), by path relative to its top directory;
    links, devices and anything outside the top directory are never read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._members: dict[str, Callable[[], bytes]] = {}
        self._archive: zipfile.ZipFile | tarfile.TarFile
        try:
            if path.name.endswith(".zip"):
                archive = self._archive = zipfile.ZipFile(path)
                for info in archive.infolist():
                    if not info.is_dir():
                        self._add(info.filename, lambda info=info: archive.read(info))
            else:
                tar = self._archive = tarfile.open(path)
                for member in tar.getmembers():
                    if member.isfile():
                        self._add(member.name, lambda member=member: tar.extractfile(member).read())  # type: ignore[union-attr]
        except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise UpstreamError(f"{path.name}: not a readable sdist archive ({reason})") from None

    def __enter__(self) -> "Sdist":
        return self

    def __exit__(self, *exc: object) -> None:
        self._archive.close()

    def _add(self, name: str, read: Callable[[], bytes]) -> None:
        parts = posixpath.normpath(name).split("/")
        if len(parts) < 2 or parts[0] in ("", "..") or ".." in parts:
            return  # only files inside the one top directory; never outside it
        self._members["/".join(parts[1:])] = read

    @property
    def names(self) -> list[str]:
        return sorted(self._members)

    def read_text(self, name: str) -> str:
        return self._members[name]().decode("utf-8", errors="replace")

    def read_bytes(self, name: str) -> bytes:
        return self._members[name]()

    def config_files(self, catalogue: Catalogue) -> dict[str, str]:
        """The files requirements and pytest options are read from."""
        wanted = {"pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini", ".pytest.ini", "PKG-INFO", *catalogue.requirement_files}
        names = self._members
        wanted |= {
            n for n in names
            if n.startswith("requirements/") or n.endswith(".egg-info/requires.txt")
            or re.match(r"(requirements|test-requirements)[^/]*\.(txt|in|pip)$", n)
        }  # fmt: skip
        return {n: self.read_text(n) for n in wanted if n in names}


_TEST_MODULE = re.compile(r"(^|/)(test_[^/]*|[^/]*_test)\.py$")


def suite_members(names: Iterable[str], suite: Suite) -> list[str]:
    """The sdist paths to copy: the tests (only the `run` test modules when the suite is a
    subset; support files always), the suite's extra files and a top-level conftest.py."""
    chosen = []
    for name in names:
        inside = any(name == t or name.startswith(t.rstrip("/") + "/") for t in suite.tests)
        if not (inside or name in suite.files or name == "conftest.py"):
            continue
        if any(fnmatch.fnmatch(name, pattern) for pattern in suite.exclude):
            continue
        if inside and suite.run and _TEST_MODULE.search(name) and not any(fnmatch.fnmatch(name, p) for p in suite.run):
            continue
        chosen.append(name)
    return chosen


def extract(sdist: Sdist, members: Iterable[str], target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    root = target.resolve()
    for name in members:
        dest = (target / name).resolve()
        if root not in dest.parents:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(sdist.read_bytes(name))


def node_id(directory: Path, classname: str, name: str) -> str:
    """pytest's node id (path::Class::test) from a junit classname (dotted) and name."""
    parts = classname.split(".") if classname else []
    for cut in range(len(parts), 0, -1):
        candidate = Path(*parts[:cut]).with_suffix(".py")
        if (directory / candidate).is_file():
            return "::".join([candidate.as_posix(), *parts[cut:], name])
    return f"{classname}::{name}" if classname else name


# -- running ------------------------------------------------------------------------


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
    ini: str = ""
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if v not in ("", [], None)}
        data.setdefault("status", self.status)
        return data


def _sdist_cache(ctx: Context) -> Path:
    return Path(getattr(ctx.options, "sdist_cache", None) or Path(".cache/sdists")).resolve()


def _uninstall_tools(ctx: Context, keep: Mapping[str, str]) -> None:
    """Remove the previous suite's test tools, so its plugins cannot leak into the next suite."""
    extra = sorted(set(ctx.env.freeze()) - set(keep))
    if extra:
        ctx.env.pip("uninstall", "-y", *extra, timeout=300)


def run_suite(
    ctx: Context, suite: Suite, catalogue: Catalogue, known: Sequence[KnownFailure], sdist_file: SdistFile,
    baseline: Mapping[str, str],
) -> tuple[PackageRun, list[Problem], list[WarningRecord]]:  # fmt: skip
    """One package's suite: copy its tests out, install its test tools, run pytest."""
    version = ctx.installed[suite.package]
    run = PackageRun(version, sdist=sdist_file.path.name, subset=suite.subset)
    python_full = ctx.env.interpreter.full_version
    directory = ctx.workdir / "upstream" / suite.package
    with Sdist(sdist_file.path) as sdist:
        members = suite_members(sdist.names, suite)
        if not any(any(m == t or m.startswith(t.rstrip("/") + "/") for t in suite.tests) for m in members):
            where = ", ".join(suite.tests)
            if suite.missing_tests_ok is not None and SpecifierSet(suite.missing_tests_ok).contains(version, prereleases=True):
                run.status = "skip"
                run.notes.append(f"the sdist ships no {where}, as the catalogue expects for this version")
                return run, [], []
            run.status = "fail"
            return run, [Problem(f"{sdist_file.path.name} has no {where}: nothing to test", package=suite.package)], []
        extract(sdist, members, directory)
        files = sdist.config_files(catalogue)
    ini_source, options = pytest_ini_options(files)
    kept, dropped = filter_ini_options(options)
    atomic_write(directory / "pytest.ini", render_ini(kept, ini_source))  # also stops pytest from finding our own config
    run.ini = ini_source + (f" (dropped: {'; '.join(dropped)})" if dropped else "")

    declared = declared_test_requirements(files, suite.package, catalogue, suite, target_environment(python_full))
    extra = [Requirement(r) for r in suite.extra_requirements]
    the_set = {**{n: p.version for n, p in ctx.pinned.for_python(ctx.python).items()}, **ctx.installed}
    selected, run.from_set = select_test_requirements(
        [*declared.requirements, *extra], the_set, [*catalogue.ignore_requirements, *suite.ignore_requirements], python_full,
    )  # fmt: skip
    run.requirements_source = declared.source + (" + catalogue" if extra else "")
    run.notes += declared.notes
    _uninstall_tools(ctx, baseline)
    attempts = [(*catalogue.era, *catalogue.era_best_effort), catalogue.era] if catalogue.era_best_effort else [catalogue.era]
    for number, patterns in enumerate(attempts, start=1):
        cutoff = era_cutoff(sdist_file.uploaded, python_released(python_full))
        run.era = cutoff.date().isoformat() if cutoff else ""
        run.requirements, era_notes = apply_era(selected, patterns, cutoff, python_full, index.project)
        problem = install_test_tools(ctx, run.requirements)
        if problem is None or number == len(attempts):
            break
        run.notes.append("the era's tools do not install on this Python; only pytest and its plugins kept to their era")
    run.notes += era_notes
    if problem is not None:
        run.status = "error"
        problem.package = suite.package
        return run, [problem], []

    applied = known_failures_for(known, suite.package, version, python_full)
    run.known_failures = [f"{k.test} ({k.reason})" for k in applied]
    args = [*suite.pytest_args]
    for k in applied:
        args += ["--deselect", k.test]
    out, failures, counts, warnings = run_pytest(ctx, directory, f"upstream-{suite.package}", args, timeout=suite.timeout)
    run.tests, run.failed, run.errors, run.skipped = counts["tests"], counts["failures"], counts["errors"], counts["skipped"]
    run.passed = run.tests - run.failed - run.errors - run.skipped
    problems = []
    for p in failures:
        classname, _, name = (p.test or "").rpartition("::")
        problems.append(Problem(p.message, package=suite.package, test=node_id(directory, classname, name)))
    if out.returncode is None:
        problems.append(Problem(f"pytest timed out after {suite.timeout:.0f}s:\n" + out.tail(10), package=suite.package))
    elif not problems and out.returncode != 0:
        what = "collected no tests" if out.returncode == 5 else f"exited {out.returncode}"
        problems.append(Problem(f"pytest {what}:\n" + out.tail(), package=suite.package))
    if problems:
        run.status = "fail"
    ours = [w for w in warnings if not any(fnmatch.fnmatch(w.origin, p) for p in catalogue.tool_warnings)]
    if len(ours) < len(warnings):
        run.notes.append(f"{sum(w.count for w in warnings if w not in ours)} warnings raised by the test tools themselves left out")
    return run, problems, ours


def _merge_warnings(groups: Iterable[Sequence[WarningRecord]]) -> list[WarningRecord]:
    merged: dict[tuple[str, str, str], WarningRecord] = {}
    for records in groups:
        for r in records:
            key = (r.origin, r.category, r.message)
            if key in merged:
                merged[key].count += r.count
            else:
                merged[key] = WarningRecord(r.category, r.message, r.origin, r.location, r.count)
    return sorted(merged.values(), key=lambda r: (r.origin, r.category, r.message))


def run_upstream(ctx: Context) -> StageResult:
    """Each catalogued package's own suite, from its sdist, against the installed set."""
    try:
        catalogue = load_catalogue()
        known = load_known_failures(ctx.options.known_failures)
    except UpstreamError as exc:
        return StageResult("upstream", "error", problems=[Problem(str(exc))])
    suites = [s for name, s in sorted(catalogue.suites.items()) if name in ctx.installed]
    not_run = {s.package: s.skip for s in suites if s.skips(ctx.installed[s.package])}
    suites = [s for s in suites if s.package not in not_run]
    if not suites:
        return StageResult("upstream", "skip", details={"reason": "no catalogued suite applies to this set", "not_run": not_run})

    cache = _sdist_cache(ctx)
    with ThreadPoolExecutor(max_workers=6) as pool:
        fetched = dict(zip(
            [s.package for s in suites],
            pool.map(lambda s: _attempt(lambda: fetch_sdist(s.package, ctx.installed[s.package], cache)), suites),
        ))  # fmt: skip
    baseline = dict(ctx.installed)
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
            run, found, recorded = run_suite(ctx, suite, catalogue, known, sdist_file, baseline)
        except Exception as exc:  # one package's trouble must not stop the others
            run = PackageRun(version, status="error", subset=suite.subset)
            found, recorded = [Problem(f"{type(exc).__name__}: {exc}", package=suite.package)], []
        run.seconds = round(time.monotonic() - started, 1)
        packages[suite.package] = run.as_dict()
        problems += found
        warnings.append(recorded)
        counts = f"{run.passed} passed, {run.failed + run.errors} failed, {run.skipped} skipped" if run.tests else "; ".join(run.notes)
        ctx.log(f"upstream {suite.package} {version}: {run.status}, {counts} in {run.seconds:.1f}s")
    statuses = {p["status"] for p in packages.values()}
    status = "error" if "error" in statuses else "fail" if "fail" in statuses else "pass" if "pass" in statuses else "skip"
    totals = {k: sum(p.get(k, 0) for p in packages.values()) for k in ("tests", "passed", "failed", "errors", "skipped")}
    details = {"packages": packages, "not_run": not_run, **totals}
    return StageResult("upstream", status, problems=problems, warnings=_merge_warnings(warnings), details=details)


def _attempt(fn: Callable[[], SdistFile]) -> SdistFile | Exception:
    try:
        return fn()
    except Exception as exc:
        return exc
