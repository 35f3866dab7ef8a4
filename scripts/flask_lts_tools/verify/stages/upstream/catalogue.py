"""The suite catalogue (resources/upstream.toml) and the channels' known failures (data, not code)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from ...._exceptions import UpstreamError
from ...._toml import tomllib
from ...._resources import UPSTREAM_CATALOGUE

CATALOGUE = UPSTREAM_CATALOGUE



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
    # not a catalogue key: the test modules pytest is given, every file of the suite still
    # copied (the baseline runs the failing tests' modules; `run` would leave out their helpers,
    # Flask-CORS's tests/base_test.py, which looks like a test module)
    targets: tuple[str, ...] = ()

    def skips(self, version: str) -> bool:
        return bool(self.skip) and SpecifierSet(self.skip_versions or "").contains(version, prereleases=True)


@dataclass(frozen=True)
class Catalogue:
    suites: dict[str, Suite]  # how each suite runs today (the entry's own keys)
    requirement_files: tuple[str, ...]
    extras: tuple[str, ...]
    ignore_requirements: tuple[str, ...]
    era: tuple[str, ...]
    tool_warnings: tuple[str, ...] = ()
    era_best_effort: tuple[str, ...] = ()
    import_requirements: Mapping[str, str] = field(default_factory=dict)  # import name -> requirement
    # package -> ((versions, suite), ...): how older releases' suites run ([[suites.<name>.when]])
    variants: Mapping[str, tuple[tuple[SpecifierSet, Suite], ...]] = field(default_factory=dict)

    def suite_for(self, package: str, version: str) -> Suite | None:
        """How the suite of this release runs: the first `when` table whose `versions` hold it,
        else the entry itself; None for a package the catalogue has no entry for."""
        for versions, suite in self.variants.get(package, ()):
            if versions.contains(version, prereleases=True):
                return suite
        return self.suites.get(package)


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


def parse_suite(name: str, entry: Mapping, where: str, allowed: set[str] = _SUITE_KEYS) -> Suite:
    """One suite's table (`tests`, `pytest-args`, `extra-requirements` ...); keys in `allowed`
    but not a suite's (a canary's `version`, say) are left to the caller."""
    unknown = set(entry) - allowed
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
    return Suite(name, **kwargs)


def parse_catalogue(data: Mapping, source: str = "upstream.toml") -> Catalogue:
    defaults = data.get("defaults", {})
    suites: dict[str, Suite] = {}
    variants: dict[str, tuple[tuple[SpecifierSet, Suite], ...]] = {}
    for name, entry in data.get("suites", {}).items():
        where = f"{source} [suites.{name}]"
        if canonicalize_name(name) != name:
            raise UpstreamError(f"{where}: use the canonical name {canonicalize_name(name)!r}")
        own = {k: v for k, v in entry.items() if k != "when"}
        suites[name] = parse_suite(name, own, where)
        if "when" in entry:
            variants[name] = _variants(name, own, entry["when"], where)
    return Catalogue(
        suites,
        _strings(defaults.get("requirement-files", []), f"{source} [defaults] requirement-files"),
        _strings(defaults.get("extras", ["tests", "test"]), f"{source} [defaults] extras"),
        tuple(canonicalize_name(n) for n in _strings(defaults.get("ignore-requirements", []), f"{source} [defaults]")),
        _strings(defaults.get("era", ["pytest", "pytest-*"]), f"{source} [defaults] era"),
        _strings(defaults.get("tool-warnings", []), f"{source} [defaults] tool-warnings"),
        _strings(defaults.get("era-best-effort", []), f"{source} [defaults] era-best-effort"),
        _import_requirements(defaults.get("import-requirements", {}), f"{source} [defaults] import-requirements"),
        variants,
    )


def _variants(name: str, own: Mapping, tables: object, where: str) -> tuple[tuple[SpecifierSet, Suite], ...]:
    """[[suites.<name>.when]]: for the releases in `versions`, the entry with these keys
    replaced, and `why` (required: what changed upstream, and when)."""
    if not isinstance(tables, list) or not all(isinstance(t, Mapping) for t in tables):
        raise UpstreamError(f"{where} when: expected [[suites.{name}.when]] tables")
    found = []
    for number, table in enumerate(tables, start=1):
        here = f"{where} [[when]] #{number}"
        missing = [k for k in ("versions", "why") if not isinstance(table.get(k), str) or not table.get(k)]
        if missing:
            raise UpstreamError(f"{here}: missing {' and '.join(missing)} (the releases it is for, and what changed upstream)")
        try:
            versions = SpecifierSet(table["versions"])
        except InvalidSpecifier:
            raise UpstreamError(f"{here} versions: {table['versions']!r} is not a version specifier") from None
        if not str(versions):
            raise UpstreamError(f"{here} versions: empty; the entry itself is for every release")
        keys = {k: v for k, v in table.items() if k not in ("versions", "why")}
        if not keys:
            raise UpstreamError(f"{here}: changes nothing; name the keys that differ for {versions}")
        found.append((versions, parse_suite(name, {**own, **keys}, here)))
    return tuple(found)


def _import_requirements(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise UpstreamError(f"{where}: expected a table of import name = \"requirement\"")
    for name, text in value.items():
        try:
            Requirement(text)
        except InvalidRequirement as exc:
            raise UpstreamError(f"{where} {name}: {text!r} is not a requirement ({exc})") from None
    return dict(value)


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


def load_known_failures(paths: Iterable[Path]) -> list[KnownFailure]:
    known = []
    for path in paths:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise UpstreamError(f"{path}: unreadable known-failures file ({exc})") from None
        known += parse_known_failures(data, str(path))
    return known


def known_failures_for(known: Iterable[KnownFailure], package: str, version: str, python: str) -> list[KnownFailure]:
    """The known failures that apply to this package version on this Python (full version, e.g. 3.12.1)."""
    return [
        k
        for k in known
        if k.package == package
        and (k.python is None or k.python.contains(python, prereleases=True))
        and (k.versions is None or k.versions.contains(version, prereleases=True))
    ]

