"""Advisories in OSV format: read a directory of records, ask the OSV API, decide what a version is affected by.

Only what the audit needs of the OSV schema (https://ossf.github.io/osv-schema/):
PyPI packages, ECOSYSTEM ranges (introduced / fixed / last_affected events) and
explicit `versions` lists. GIT ranges and other ecosystems are ignored.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import yaml
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from ._exceptions import AdvisoryDatabaseError

try:  # the C loader is an order of magnitude faster on a full advisory database
    _YAMLLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _YAMLLoader = yaml.SafeLoader

OSV_API = "https://api.osv.dev"
RECORD_SUFFIXES = (".json", ".yaml", ".yml")

# Advisories of flask-lts's own (docs/audit.md, "Advisories of our own"): a security fix that no
# published advisory names is transcribed under an id of this project, the way a distribution's
# security team tracks such fixes under ids of its own (Debian's TEMP-...). OSV allows any id
# prefix; ours is FLTS-<year>-<number>. Such a record lives in advisories/local/ only; no public
# database (and so no osv.dev page) knows it, so it must link the fix itself.
OWN_ID_PREFIX = "FLTS-"
OWN_ID = re.compile(r"FLTS-(?P<year>\d{4})-(?P<number>\d{4,})")


def is_own_id(name: str) -> bool:
    """Whether an advisory id is one of flask-lts's own (FLTS-...), well formed or not."""
    return name.startswith(OWN_ID_PREFIX)


@dataclass(frozen=True)
class Event:
    kind: str  # "introduced" | "fixed" | "last_affected"
    version: Version | None  # None: introduced "0", before every version


@dataclass(frozen=True)
class Range:
    """One ECOSYSTEM range: a version is affected per the OSV evaluation of its events."""

    events: tuple[Event, ...]

    def contains(self, version: Version) -> bool:
        affected = False
        for event in self.events:
            if event.kind == "introduced":
                if event.version is None or version >= event.version:
                    affected = True
            elif event.kind == "fixed":
                if version >= event.version:  # type: ignore[operator]
                    affected = False
            elif event.kind == "last_affected":
                if version > event.version:  # type: ignore[operator]
                    affected = False
        return affected

    def intervals(self) -> list[str]:
        """`>=3.0.0, <3.0.1`-style text, one string per affected interval."""
        texts: list[str] = []
        start: str | None = None
        open_ = False
        for event in self.events:
            if event.kind == "introduced":
                start = None if event.version is None else f">={event.version}"
                open_ = True
            elif open_:
                end = f"<{event.version}" if event.kind == "fixed" else f"<={event.version}"
                texts.append(", ".join(t for t in (start, end) if t))
                open_ = False
        if open_:
            texts.append(start or "all versions")
        return texts


@dataclass(frozen=True)
class Affected:
    """What one advisory says about one PyPI package."""

    package: NormalizedName
    ranges: tuple[Range, ...] = ()
    versions: frozenset[str] = frozenset()

    def affects(self, version: str | Version) -> bool:
        parsed = _parse(version)
        if parsed is not None and any(r.contains(parsed) for r in self.ranges):
            return True
        return _normal(str(version)) in self.versions

    def fixed(self) -> list[Version]:
        return sorted({e.version for r in self.ranges for e in r.events if e.kind == "fixed" and e.version})

    def ranges_text(self) -> list[str]:
        texts = [t for r in self.ranges for t in r.intervals()]
        # An explicit list is usually the ranges enumerated; show only what it adds.
        extra = sorted(v for v in self.versions if not any(r.contains(p) for r in self.ranges if (p := _parse(v))))
        if extra:
            shown = ", ".join(extra[:6]) + (f" (+{len(extra) - 6} more)" if len(extra) > 6 else "")
            texts.append(f"=={shown}" if len(extra) == 1 else f"versions {shown}")
        return texts


@dataclass(frozen=True)
class Advisory:
    """One OSV record, reduced to its PyPI packages."""

    id: str
    aliases: tuple[str, ...]
    summary: str
    url: str
    modified: str
    source: str
    affected: tuple[Affected, ...]

    @property
    def names(self) -> frozenset[str]:
        """The id and every alias: any of them may name the advisory (e.g. in an accepted risk)."""
        return frozenset((self.id, *self.aliases))

    def entries(self, package: str) -> list[Affected]:
        name = canonicalize_name(package)
        return [a for a in self.affected if a.package == name]

    def affects(self, package: str, version: str | Version) -> bool:
        return any(a.affects(version) for a in self.entries(package))

    def fixed(self, package: str) -> list[Version]:
        return sorted({v for a in self.entries(package) for v in a.fixed()})

    def ranges_text(self, package: str) -> list[str]:
        return [t for a in self.entries(package) for t in a.ranges_text()]


@dataclass
class AdvisoryDatabase:
    """Advisories by package. One vulnerability known under several records (a PYSEC and a
    GHSA sharing an alias) is kept once: the most recently modified record wins."""

    sources: list[str] = field(default_factory=list)
    _by_package: dict[NormalizedName, list[Advisory]] = field(default_factory=dict)

    def add(self, advisory: Advisory) -> None:
        for package in {a.package for a in advisory.affected}:
            kept = self._by_package.setdefault(package, [])
            twins = [old for old in kept if old.names & advisory.names]
            if any(old.modified >= advisory.modified for old in twins):
                continue
            kept[:] = [old for old in kept if old not in twins] + [advisory]

    def extend(self, advisories: Iterable[Advisory], source: str) -> None:
        for advisory in advisories:
            self.add(advisory)
        self.sources.append(source)

    def for_package(self, package: str) -> list[Advisory]:
        return sorted(self._by_package.get(canonicalize_name(package), []), key=lambda a: a.id)

    def named(self, name: str) -> list[Advisory]:
        """The advisories whose id or an alias is `name`, of any package."""
        return sorted({a.id: a for kept in self._by_package.values() for a in kept if name in a.names}.values(), key=lambda a: a.id)

    def __len__(self) -> int:
        return len({a.id for kept in self._by_package.values() for a in kept})


# -- reading records ------------------------------------------------------------


def _parse(version: str | Version) -> Version | None:
    if isinstance(version, Version):
        return version
    try:
        return Version(version)
    except InvalidVersion:
        return None


def _normal(version: str) -> str:
    parsed = _parse(version)
    return str(parsed) if parsed is not None else version.strip()


_BOILERPLATE = re.compile(r"^[\w.\- ]+ is an? [^.]*\.$")


def _summary(record: Mapping[str, Any]) -> str:
    summary = record.get("summary")
    if isinstance(summary, str) and summary.strip():
        return " ".join(summary.split())
    details = " ".join(str(record.get("details") or "").split())
    sentences = re.split(r"(?<=\.)\s+(?=[A-Z`])", details)
    # PYSEC records have no summary and often open with "<Project> is a ... library."
    while len(sentences) > 1 and _BOILERPLATE.match(sentences[0]):
        sentences.pop(0)
    text = sentences[0] if sentences else ""
    return text if len(text) <= 160 else text[:157].rstrip() + "..."


def _references(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [r for r in record.get("references") or [] if isinstance(r, Mapping) and r.get("url")]


def _url(record: Mapping[str, Any]) -> str:
    refs = _references(record)
    for kind in ("ADVISORY", "WEB"):
        for ref in refs:
            if ref.get("type") == kind:
                return str(ref["url"])
    if is_own_id(str(record["id"])) and refs:  # osv.dev does not know our own ids: link the fix
        return str(refs[0]["url"])
    return f"https://osv.dev/vulnerability/{record['id']}"


def parse_record(record: Any, source: str) -> Advisory | None:
    """One OSV record -> Advisory; None when withdrawn or about no PyPI package."""

    def bad(what: str) -> AdvisoryDatabaseError:
        return AdvisoryDatabaseError(f"{source}: malformed OSV record: {what}; fix or remove the record")

    if not isinstance(record, Mapping):
        raise bad("not a mapping of OSV fields")
    if not isinstance(record.get("id"), str) or not record["id"].strip():
        raise bad("no 'id'")
    ident = record["id"].strip()
    if is_own_id(ident):
        if not OWN_ID.fullmatch(ident):
            raise bad(f"{ident!r} is not a flask-lts id (FLTS-<year>-<number of four or more digits>)")
        if not _references(record):
            raise bad(f"{ident} has no references; a flask-lts record must link the fix it transcribes "
                      "(no public database knows its id)")
    if record.get("withdrawn"):
        return None
    aliases = record.get("aliases") or []
    affected_raw = record.get("affected") or []
    if not isinstance(aliases, list) or not isinstance(affected_raw, list):
        raise bad("'aliases' and 'affected' must be lists")
    affected: list[Affected] = []
    for entry in affected_raw:
        package = entry.get("package") if isinstance(entry, Mapping) else None
        if not isinstance(package, Mapping) or not package.get("name") or not package.get("ecosystem"):
            raise bad("an 'affected' entry without package name and ecosystem")
        if package["ecosystem"] != "PyPI":
            continue
        ranges: list[Range] = []
        raw_ranges = entry.get("ranges") or []
        raw_versions = entry.get("versions") or []
        if not isinstance(raw_ranges, list) or not isinstance(raw_versions, list):
            raise bad(f"{package['name']}: 'ranges' and 'versions' must be lists")
        for raw in raw_ranges:
            if not isinstance(raw, Mapping) or not isinstance(raw.get("events"), list):
                raise bad(f"{package['name']}: a range without an 'events' list")
            if raw.get("type") != "ECOSYSTEM":
                continue
            events = []
            for event in raw["events"]:
                kinds = [k for k in ("introduced", "fixed", "last_affected", "limit") if isinstance(event, Mapping) and k in event]
                if len(kinds) != 1:
                    raise bad(f"{package['name']}: event {event!r} is not one of introduced/fixed/last_affected")
                value = str(event[kinds[0]])
                if kinds[0] == "limit":
                    continue
                parsed = None if kinds[0] == "introduced" and value == "0" else _parse(value)
                if parsed is None and not (kinds[0] == "introduced" and value == "0"):
                    raise bad(f"{package['name']}: {kinds[0]} {value!r} is not a PEP 440 version")
                events.append(Event(kinds[0], parsed))
            events.sort(key=lambda e: (e.version is not None, e.version or Version("0")))
            ranges.append(Range(tuple(events)))
        affected.append(
            Affected(canonicalize_name(str(package["name"])), tuple(ranges), frozenset(_normal(str(v)) for v in raw_versions))
        )
    if not affected:
        return None
    return Advisory(
        id=ident,
        aliases=tuple(str(a) for a in aliases),
        summary=_summary(record),
        url=_url(record),
        modified=str(record.get("modified") or ""),
        source=source,
        affected=tuple(affected),
    )


def _read_record(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AdvisoryDatabaseError(f"{path}: cannot read OSV record: {exc}") from None
    try:
        if path.suffix == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_YAMLLoader)
    except (ValueError, yaml.YAMLError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AdvisoryDatabaseError(f"{path}: malformed OSV record: not valid {path.suffix[1:].upper()} ({first})") from None


def load_advisories(*paths: str | Path) -> AdvisoryDatabase:
    """Every OSV record (*.json, *.yaml, *.yml) under each directory, withdrawn ones skipped."""
    db = AdvisoryDatabase()
    for root in map(Path, paths):
        if not root.is_dir():
            raise AdvisoryDatabaseError(
                f"{root}: no such advisory directory; pass --advisories DIR or set FLASK_LTS_ADVISORIES"
            )
        files = sorted(
            p for p in root.rglob("*")
            if p.suffix in RECORD_SUFFIXES and p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
        )
        if not files:
            raise AdvisoryDatabaseError(f"{root}: no OSV records (*.json, *.yaml) found; is this an advisory database?")
        db.extend((a for p in files if (a := parse_record(_read_record(p), str(p))) is not None), str(root))
    return db


# -- the online source ------------------------------------------------------------


@dataclass(frozen=True)
class OnlineLookup:
    """What the OSV API said: its advisories, or None when it could not be asked; the note says which."""

    advisories: tuple[Advisory, ...] | None
    note: str


def _fetch_json(url: str, payload: Any, timeout: float) -> Any:
    """POST `payload` as JSON, or GET when it is None; the decoded answer."""
    body = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def _ask_osv(pins: Sequence[tuple[str, str]], base_url: str, timeout: float) -> list[Advisory]:
    queries = [{"package": {"name": name, "ecosystem": "PyPI"}, "version": version} for name, version in pins]
    answer = _fetch_json(f"{base_url}/v1/querybatch", {"queries": queries}, timeout)
    ids = sorted({v["id"] for result in answer.get("results", []) for v in result.get("vulns") or []})
    # querybatch answers ids only; each record is fetched on its own.
    return [a for i in ids if (a := parse_record(_fetch_json(f"{base_url}/v1/vulns/{i}", None, timeout), f"{base_url}/v1/vulns/{i}"))]


def query_osv_online(pins: Iterable[Any], timeout: float = 5.0, base_url: str = OSV_API) -> OnlineLookup:
    """Ask the OSV API about every pin (objects with .name and .version); never raises.

    The lookup runs in a worker thread: `timeout` seconds per request, four times that
    overall, so a hanging name lookup or a dead network cannot stall the audit.
    """
    unique = sorted({(str(p.name), str(p.version)) for p in pins})
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["advisories"] = _ask_osv(unique, base_url.rstrip("/"), timeout)
        except (OSError, urllib.error.URLError, ValueError, KeyError, TypeError, AttributeError, AdvisoryDatabaseError) as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="osv-lookup", daemon=True)
    worker.start()
    worker.join(4 * timeout)
    if worker.is_alive():
        return OnlineLookup(None, f"online: {base_url} did not answer within {4 * timeout:g}s; offline database only")
    error = outcome.get("error")
    if isinstance(error, (OSError, urllib.error.URLError)):
        return OnlineLookup(None, f"online: {base_url} unreachable ({getattr(error, 'reason', error)}); offline database only")
    if error is not None:
        return OnlineLookup(None, f"online: {base_url} gave an unusable answer ({error}); offline database only")
    found = tuple(outcome["advisories"])
    return OnlineLookup(found, f"online: {base_url} knows {len(found)} advisories for {len(unique)} pins")
