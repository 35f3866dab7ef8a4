"""The breaking entries of the packages' own changelogs, as curated data (`channels/upgrades/`).

One TOML file per package: where its changelog was read (a release's sdist and the file in
it) and the entries a user moving between channels must act on, each with the release it is
filed under, its kind (removed, deprecated, changed), our words, the changelog's own words
(`quote`), a link, and how `flask-lts scan` sees it: `rules`, the scan rules that report it
(their ids; tests/unit/test_upgrade_coverage.py checks them against the installer's
registry), or `unscannable`, why no rule can see it in code. `load_changes(folder)` reads and checks every file;
`ChangeLog.between(old, new)` is what a move from pin `old` to pin `new` meets.
`changelog_section(text, version)` finds a release's part of a changelog, so that tests can
check every quote against the real file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from ._exceptions import UpgradeReportError
from ._toml import tomllib

KINDS = ("removed", "deprecated", "changed")
_FILE_KEYS = {"package", "changelog", "entries"}
_ENTRY_KEYS = {"version", "kind", "text", "quote", "link"}
_COVERAGE_KEYS = ("rules", "unscannable")  # at most one of them, on any entry


@dataclass(frozen=True)
class BreakingChange:
    """One changelog entry a user must act on."""

    package: NormalizedName
    version: str
    kind: str
    text: str
    quote: str
    link: str
    source: str  # "channels/upgrades/flask.toml", for messages
    rules: tuple[str, ...] = ()  # the `flask-lts scan` rule ids that report this change
    unscannable: str = ""  # or why no rule can see it in code


@dataclass(frozen=True)
class ChangeLog:
    """A package's curated entries and where they were read."""

    package: NormalizedName
    release: str  # the release whose sdist's changelog was read
    file: str  # the changelog's path inside that sdist
    entries: tuple[BreakingChange, ...]
    path: Path

    def between(self, old: str | None, new: str | None) -> list[BreakingChange]:
        """The entries of releases after `old` up to and including `new`, oldest first."""
        if old is None or new is None:
            return []
        before, after = Version(old), Version(new)
        return sorted(
            (e for e in self.entries if before < Version(e.version) <= after),
            key=lambda e: Version(e.version),
        )


def load_changelog(path: Path) -> ChangeLog:
    """Read and check one `channels/upgrades/<package>.toml`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UpgradeReportError(f"{path}: cannot read ({exc}); fix the file") from None

    def fail(message: str) -> UpgradeReportError:
        return UpgradeReportError(f"{path}: {message}")

    unknown = set(data) - _FILE_KEYS
    if unknown or not _FILE_KEYS <= set(data):
        raise fail(f"needs exactly the keys {', '.join(sorted(_FILE_KEYS))} (unknown: {', '.join(sorted(unknown)) or '-'})")
    package = canonicalize_name(str(data["package"]))
    if path.stem != package:
        raise fail(f"package {package!r} must match the file name {path.stem!r}")
    source = data["changelog"]
    if not isinstance(source, dict) or set(source) != {"release", "file"}:
        raise fail('changelog must be { release = "X.Y.Z", file = "CHANGES.rst" }: the sdist and the file read')
    release = _version(str(source["release"]), fail, "changelog.release")
    entries = []
    for i, item in enumerate(data["entries"]):
        where = f"[[entries]][{i}]"
        if not isinstance(item, dict) or not _ENTRY_KEYS <= set(item) or set(item) - _ENTRY_KEYS - set(_COVERAGE_KEYS):
            raise fail(f"{where}: needs exactly the keys {', '.join(sorted(_ENTRY_KEYS))}, and rules or unscannable")
        if not all(isinstance(item[k], str) and item[k].strip() for k in _ENTRY_KEYS):
            raise fail(f"{where}: every key is a non-empty string")
        rules, unscannable = item.get("rules"), item.get("unscannable")
        if rules is not None and unscannable is not None:
            raise fail(f"{where}: give rules or unscannable, not both")
        if rules is not None and (not isinstance(rules, list) or not rules or len(set(map(str, rules))) != len(rules)
                                  or not all(isinstance(r, str) and r.strip() == r and r for r in rules)):  # fmt: skip
            raise fail(f'{where}: rules must be a non-empty list of distinct rule ids, rules = ["flask-env"]')
        if unscannable is not None and not (isinstance(unscannable, str) and unscannable.strip()):
            raise fail(f"{where}: unscannable must be a non-empty string: why no rule can see this change in code")
        version = _version(item["version"], fail, f"{where} version")
        if Version(version) > Version(release):
            raise fail(f"{where}: version {version} is after the changelog read ({release}); read a newer sdist")
        if item["kind"] not in KINDS:
            raise fail(f"{where}: kind {item['kind']!r} is not one of {', '.join(KINDS)}")
        if not item["link"].startswith("https://"):
            raise fail(f"{where}: link must be an https:// URL (the pull request, issue or changelog)")
        entries.append(BreakingChange(package, version, item["kind"], item["text"].strip(), item["quote"].strip(),
                                      item["link"].strip(), str(path), tuple(rules or ()),
                                      (unscannable or "").strip()))  # fmt: skip
    return ChangeLog(package, release, str(source["file"]), tuple(entries), path)


def _version(text: str, fail, key: str) -> str:
    try:
        return str(Version(text))
    except InvalidVersion:
        raise fail(f"{key}: {text!r} is not a version") from None


def load_changes(folder: Path) -> dict[NormalizedName, ChangeLog]:
    """Every package's curated changelog entries in `folder` (none when it does not exist)."""
    return {log.package: log for log in (load_changelog(p) for p in sorted(folder.glob("*.toml")))}


# A changelog's release heading: "Version 3.0.0", "v3.0.0", "3.0.0 (2025-04-16)",
# "0.8.0 - 2024-03-26", or SQLAlchemy's ":version: 2.0.0b1".
_HEADING = re.compile(r"^\s*(?:#+\s*)?(?::version:\s*|version\s+|v)?(\d+(?:\.\d+)+(?:(?:a|b|rc)\d+)?)(?:\s.*)?$", re.IGNORECASE)


def normalize_space(text: str) -> str:
    return " ".join(text.split())


def changelog_section(text: str, version: str) -> str | None:
    """The part of a changelog filed under `version`: from its heading to the next release's."""
    wanted = Version(version)
    lines = text.splitlines()
    start = None
    for number, line in enumerate(lines):
        match = _HEADING.match(line)
        if not match or len(line.strip()) > 60:
            continue
        try:
            found = Version(match.group(1))
        except InvalidVersion:
            continue
        if start is None and found == wanted:
            start = number
        elif start is not None and found != wanted:
            return "\n".join(lines[start:number])
    return "\n".join(lines[start:]) if start is not None else None
