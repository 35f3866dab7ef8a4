"""The canary registry (channels/canaries/registry.toml): downstream projects, not in any channel,
whose own test suites judge the channel. Data only; each entry says where its source comes
from, how its suite runs (the keys of the upstream catalogue), what it needs that the
verification machines lack (known failures with reasons) and which channels it applies to."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from .. import _layout as layout
from .._exceptions import CanaryError, UpstreamError
from .._toml import tomllib
from ..verify.stages.upstream.catalogue import _SUITE_KEYS, KnownFailure, Suite, parse_suite

SOURCES = ("sdist", "git")
_CANARY_KEYS = {"distribution", "versions", "channels", "groups", "source", "git", "commit", "chosen", "extras", "known-failure"}
_FAILURE_KEYS = {"test", "reason", "channels", "python"}


@dataclass(frozen=True)
class Canary:
    name: str
    distribution: NormalizedName
    versions: Mapping[str, str]  # channel -> the release run on it
    groups: tuple[str, ...]
    chosen: str  # why it is a canary: its place under the rule (docs/canaries.md)
    suite: Suite
    source: str = "sdist"
    git: str = ""
    commit: str = ""
    known_failures: tuple[tuple[KnownFailure, tuple[str, ...]], ...] = field(default_factory=tuple)
    extras: tuple[str, ...] = ()  # installed as distribution[extras] (what brings in the channel's packages)

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(self.versions)

    def known_for(self, channel: str) -> list[KnownFailure]:
        return [k for k, channels in self.known_failures if not channels or channel in channels]


def _fail(path: Path, where: str, message: str) -> CanaryError:
    return CanaryError(f"{path} [canary.{where}]: {message}")


def _strings(path: Path, where: str, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(path, where, f"{key} must be a list of strings")
    return tuple(value)


def parse_canary(name: str, entry: Mapping, path: Path) -> Canary:
    if not isinstance(entry, Mapping):
        raise _fail(path, name, "must be a table")
    unknown = set(entry) - _CANARY_KEYS - _SUITE_KEYS
    if unknown:
        raise _fail(path, name, f"unknown key(s) {', '.join(sorted(unknown))}; see the comment at the top of the file")
    source = entry.get("source", "sdist")
    if source not in SOURCES:
        raise _fail(path, name, f"source {source!r} is not one of {', '.join(SOURCES)}")
    if source == "git" and not (entry.get("git") and entry.get("commit")):
        raise _fail(path, name, "a git source needs git (the URL) and commit")
    for key in ("distribution", "groups", "chosen", "channels" if source == "git" else "versions"):
        if key not in entry:
            raise _fail(path, name, f"missing {key!r}")
    distribution = canonicalize_name(str(entry["distribution"]))
    if source == "git":  # an application with no release: the commit is what runs, on every channel named
        versions = {str(c): "0" for c in _strings(path, name, "channels", entry["channels"])}
    else:
        versions = entry["versions"]
    if not isinstance(versions, Mapping) or not versions:
        raise _fail(path, name, 'versions must be a table of channel = "version"')
    for channel, version in versions.items():
        try:
            Version(str(version))
        except InvalidVersion:
            raise _fail(path, name, f"versions.{channel}: {version!r} is not a version") from None
    suite_entry = {k: v for k, v in entry.items() if k in _SUITE_KEYS}
    try:
        suite = parse_suite(distribution, suite_entry, f"{path} [canary.{name}]")
    except UpstreamError as exc:
        raise CanaryError(str(exc)) from None
    failures = []
    for number, item in enumerate(entry.get("known-failure", []), start=1):
        where = f"{name}.known-failure] #{number} ["
        unknown = set(item) - _FAILURE_KEYS
        if unknown:
            raise _fail(path, where.rstrip(" ["), f"unknown key(s) {', '.join(sorted(unknown))}")
        if not item.get("test") or not item.get("reason"):
            raise _fail(path, where.rstrip(" ["), "a known failure names its test and its reason")
        try:
            python = SpecifierSet(item["python"]) if item.get("python") else None
        except InvalidSpecifier:
            raise _fail(path, where.rstrip(" ["), f"python {item['python']!r} is not a version specifier") from None
        channels = _strings(path, name, "channels", item.get("channels", []))
        failures.append((KnownFailure(distribution, item["test"], item["reason"], python), channels))
    return Canary(
        name=name, distribution=distribution, versions={str(k): str(v) for k, v in versions.items()},
        groups=_strings(path, name, "groups", entry["groups"]), chosen=str(entry["chosen"]), suite=suite,
        source=source, git=str(entry.get("git", "")), commit=str(entry.get("commit", "")), known_failures=tuple(failures),
        extras=_strings(path, name, "extras", entry.get("extras", [])),
    )  # fmt: skip


def read_tables(path: Path, table: str, what: str, plural: str) -> dict:
    """A registry-style TOML file that holds only [<table>.<name>] tables; CanaryError names the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CanaryError(f"{path}: cannot read the {what} ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CanaryError(f"{path}: not valid TOML ({exc}); fix the file") from None
    unknown = set(data) - {table}
    if unknown:
        raise CanaryError(f"{path}: unknown table(s) {', '.join(sorted(unknown))}; {plural} are [{table}.<name>] tables")
    return data


def load_canaries(path: Path = layout.CANARIES) -> list[Canary]:
    """Every canary of the registry, in file order; CanaryError names the file and the entry."""
    data = read_tables(path, "canary", "canary registry", "canaries")
    return [parse_canary(name, entry, path) for name, entry in data.get("canary", {}).items()]


def select(canaries: list[Canary], channel: str, names: list[str] | None = None) -> list[Canary]:
    """The canaries that apply to `channel`, narrowed to `names` (each must exist)."""
    known = {c.name for c in canaries}
    for name in names or []:
        if name not in known:
            raise CanaryError(f"no canary named {name!r}; the registry has {', '.join(sorted(known))}")
    return [c for c in canaries if channel in c.versions and (not names or c.name in names)]
