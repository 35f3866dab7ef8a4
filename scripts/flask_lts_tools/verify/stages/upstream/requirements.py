"""The test requirements an sdist declares, and the era of its test tools.

Test tools have eras: a suite needs the pytest (and plugins) of its release's time.
Requirements come from the sdist itself (requirements files, PEP 735 groups, the
tests extra, tox deps); the set's own pins always win over them.
"""

from __future__ import annotations

import ast
import configparser
import datetime as _dt
import fnmatch
import posixpath
import re
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path
from typing import Callable, Collection, Iterable, Mapping, Sequence

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from .... import index
from ...._exceptions import FlaskLTSError
from ...._toml import tomllib
from ...._resources import PYTHON_LIFECYCLE, python_lifecycle
from .catalogue import Catalogue, Suite


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


def imported_modules(directory: Path) -> set[str]:
    """Top-level module names the suite's Python files import (absolute imports anywhere in
    them), minus the suite's own modules and packages. Files that do not parse on this
    Python (Python 2 era) are left out."""
    names: set[str] = set()
    local: set[str] = set()
    for path in directory.rglob("*.py"):
        relative = path.relative_to(directory)
        local.add(path.stem)
        local.update(part for part in relative.parts[:-1])
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - local


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


def python_released(version: str, path: Path = PYTHON_LIFECYCLE) -> _dt.datetime | None:
    """When CPython X.Y.0 came out (resources/python_lifecycle.toml), or None if not listed."""
    try:
        versions = python_lifecycle(path)
    except (OSError, KeyError, tomllib.TOMLDecodeError):
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
    lookup: Callable[[str], index.Project], provided: Collection[str] = (),
) -> tuple[list[str], list[str]]:  # fmt: skip
    """Pin the unpinned era tools (pytest, pytest-*) to their release of the era ending
    `before`; a suite with no pytest at all gets one, unless the set under test has its own
    (`provided`: the set's package names; the set always wins, and its pytest is the one that
    runs). Returns (requirement strings, notes)."""
    reqs = list(requirements)
    if "pytest" not in provided and not any(canonicalize_name(r.name) == "pytest" for r in reqs):
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

