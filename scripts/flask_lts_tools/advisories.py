"""Refresh the in-repository advisory data (advisories/) from public OSV sources.

`refresh(sources, packages, out_dir, today) -> Manifest` reads every source (the OSV
export `all.zip` of the PyPI ecosystem, and git checkouts of the PyPA or GitHub advisory
databases), keeps the records, unchanged, of every package any channel pins, and swaps
them into `advisories/osv/` with `advisories/manifest.toml` saying where each source came
from and how old it is. Nothing is written unless every source was read and every kept
record parses. `age_notes()` tells the audit how old its data is. See docs/audit.md.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import yaml
from packaging.utils import NormalizedName, canonicalize_name

from . import _layout as layout
from ._exceptions import AdvisoryDatabaseError
from ._osv import _YAMLLoader, Advisory, _read_record, is_own_id, parse_record
from ._toml import tomllib

__all__ = [
    "MAX_AGE_DAYS", "Manifest", "Search", "Source", "age_notes", "channel_packages", "complete_up_to", "own_records_to_review",
    "read_manifest", "read_searches", "refresh",
]

# Older data than this makes the audit warn: advisories for Flask's stack appear every
# few weeks, so a month-old database may already miss one that matters.
MAX_AGE_DAYS = 30
MANIFEST = "manifest.toml"
RECORDS_DIR = "osv"
LOCAL_DIR = "local"  # records flask-lts transcribed itself; the refresh never touches them
SEARCHES = "searches.toml"  # in local/: what flask-lts searched beyond the sources, and through which day
SCHEMA = "flask-lts-advisories/1"
SEARCH_SCHEMA = "flask-lts-advisory-searches/1"
OSV_EXPORT_URL = "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip"
PYPA_GIT_URL = "https://github.com/pypa/advisory-database"
DEFAULT_DIR = layout.REPOSITORY_ROOT / layout.ADVISORIES
# Where records live in each git layout, and what the layout is called in the manifest.
GIT_LAYOUTS = (("vulns/", "pypa-advisory-database"), ("advisories/github-reviewed/", "github-advisory-database"))
_SUFFIXES = (".json", ".yaml", ".yml")
_NETWORK_TIMEOUT = 120
_GIT_TIMEOUT = 900


@dataclass(frozen=True)
class Source:
    """Where one source's records came from, as the manifest records it."""

    kind: str  # "osv-export" | "pypa-advisory-database" | "github-advisory-database"
    location: str  # URL, or a file name: never a path of the machine that ran the refresh
    snapshot: _dt.date  # the newest day the source covers (commit date, newest record)
    records: int = 0  # records kept from it
    commit: str = ""
    sha256: str = ""


@dataclass(frozen=True)
class Manifest:
    taken: _dt.date
    sources: tuple[Source, ...]
    packages: tuple[str, ...]
    records: int

    @property
    def data_date(self) -> _dt.date:
        """The day the data is complete up to: the oldest source snapshot."""
        return min(s.snapshot for s in self.sources)


@dataclass
class _Record:
    id: str
    package: NormalizedName
    modified: str
    data: bytes
    suffix: str
    origin: str  # file or zip member, for messages


# -- what is kept of a record ------------------------------------------------------

# A PACKAGE reference of the PyPA database only links the project's page on the package
# index: the record's affected[].package names the package already, and the project names
# no index host (pip's configuration chooses it). It is the one change made to a record.
_INDEX_LINK_YAML = re.compile(rb"^- type: PACKAGE\n  url: https://(?:pypi\.org|pypi\.python\.org)/project/[^\n]*\n", re.M)
_INDEX_HOSTS = ("https://pypi.org/", "https://pypi.python.org/")


def without_index_links(data: bytes, suffix: str) -> bytes:
    """The record as published, less its references to the project's page on the package index."""
    if suffix in (".yaml", ".yml"):
        return _INDEX_LINK_YAML.sub(b"", data)
    if not any(host.encode() in data for host in _INDEX_HOSTS):
        return data
    record = json.loads(data)
    record["references"] = [r for r in record.get("references", []) if not str(r.get("url", "")).startswith(_INDEX_HOSTS)]
    return (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode()


# -- which packages ---------------------------------------------------------------


def channel_packages(channels_dir: Path, constraints_dir: Path) -> list[NormalizedName]:
    """Every package of any channel: its frozen series and every pin of its constraints file."""
    from .channel import load_channels
    from .constraints import read_pins

    names: set[NormalizedName] = set()
    channels = load_channels(channels_dir)
    if not channels:
        raise AdvisoryDatabaseError(f"{channels_dir}: no channel files; run from the repository root or pass --channels-dir")
    for channel in channels:
        names.update(channel.series)
        names.update(e.package for e in channel.exceptions)
        pins = constraints_dir / f"flask-lts-{channel.name}.txt"
        if pins.is_file():
            names.update(p.name for p in read_pins(pins))
    return sorted(names)


def _mention_pattern(packages: Iterable[str]) -> re.Pattern[bytes]:
    """Bytes that any record about one of the packages must contain (a cheap pre-filter)."""
    parts = sorted({re.escape(p).replace(r"\-", "[-_.]") for p in packages}, key=len, reverse=True)
    return re.compile(("(?i)(" + "|".join(parts) + ")").encode())


# -- reading sources ----------------------------------------------------------------


def _is_url(ref: str) -> bool:
    return "://" in ref or ref.startswith("git@")


def _download(url: str, dest: Path) -> None:
    try:
        with urllib.request.urlopen(url, timeout=_NETWORK_TIMEOUT) as response, open(dest, "wb") as out:
            shutil.copyfileobj(response, out)
    except (OSError, urllib.error.URLError) as exc:
        reason = getattr(exc, "reason", exc)
        raise AdvisoryDatabaseError(
            f"{url}: cannot download the OSV export ({reason}); without network pass --osv-zip FILE with a copy of it"
        ) from None


def _decode(data: bytes, suffix: str, origin: str) -> Any:
    try:
        if suffix == ".json":
            return json.loads(data)
        return yaml.load(data, Loader=_YAMLLoader)
    except (ValueError, yaml.YAMLError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise AdvisoryDatabaseError(
            f"{origin}: malformed OSV record: not valid {suffix[1:].upper()} ({first}); "
            "the source is damaged: fetch it again, or fix or remove the record there"
        ) from None


def _keep(record: Any, data: bytes, suffix: str, origin: str, packages: frozenset[str]) -> _Record | None:
    """The record if it is about one of the packages (and parses as the audit will read it)."""
    if not isinstance(record, dict):
        raise AdvisoryDatabaseError(f"{origin}: malformed OSV record: not a mapping of OSV fields; fix or remove the record in the source")
    names = sorted({
        canonicalize_name(str(a["package"]["name"]))
        for a in record.get("affected") or []
        if isinstance(a, dict) and isinstance(a.get("package"), dict)
        and a["package"].get("ecosystem") == "PyPI" and a["package"].get("name")
    } & packages)  # fmt: skip
    if not names:
        return None
    parse_record(record, origin)  # raises, naming the record, when the audit could not read it
    return _Record(str(record["id"]).strip(), names[0], str(record.get("modified") or ""), data, suffix, origin)


def read_osv_zip(ref: str, packages: Sequence[str], workdir: Path) -> tuple[Source, list[_Record]]:
    """The OSV export of the PyPI ecosystem (all.zip: one JSON record a member), file or URL."""
    path = Path(ref)
    if _is_url(ref):
        path = workdir / "all.zip"
        _download(ref, path)
    elif not path.is_file():
        raise AdvisoryDatabaseError(f"{ref}: no such file; pass --osv-zip with the OSV export all.zip of PyPI (or its URL)")
    wanted = frozenset(packages)
    mention = _mention_pattern(packages)
    records: list[_Record] = []
    newest = ""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir() and m.filename.endswith(".json")]
            if not members:
                raise AdvisoryDatabaseError(f"{path.name}: no OSV records (*.json) in the zip; is it the OSV export all.zip?")
            for member in members:
                data = archive.read(member)
                origin = f"{path.name}:{member.filename}"
                record = _decode(data, ".json", origin)
                if isinstance(record, dict):
                    newest = max(newest, str(record.get("modified") or ""))
                if mention.search(data) and (kept := _keep(record, data, ".json", origin, wanted)):
                    records.append(kept)
            # Reading the whole file checks its CRCs: a truncated download fails here, not later.
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise AdvisoryDatabaseError(f"{path.name}: not a readable zip ({exc}); download the OSV export again") from None
    location = ref if _is_url(ref) else path.name
    from ._files import sha256

    source = Source("osv-export", location, _day(newest) or _dt.date.fromtimestamp(path.stat().st_mtime), len(records), sha256=sha256(path))
    return source, records


def _git(args: Sequence[str], cwd: Path | None = None, input: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True, timeout=_GIT_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AdvisoryDatabaseError(f"git {' '.join(args[:2])}: {exc}") from None
    if proc.returncode != 0:
        last = (proc.stderr.decode(errors="replace").strip().splitlines() or ["failed"])[-1]
        raise AdvisoryDatabaseError(f"git {args[0]}: {last}")
    return proc.stdout


def _git_blobs(repo: Path, entries: Sequence[tuple[str, str]]) -> Iterator[tuple[str, bytes]]:
    """(path, content) of each (sha, path) entry, read in one `git cat-file --batch`."""
    out = _git(["cat-file", "--batch"], cwd=repo, input="".join(f"{sha}\n" for sha, _ in entries).encode())
    pos = 0
    for _, path in entries:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        yield path, out[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1


def read_git(ref: str, packages: Sequence[str], workdir: Path) -> tuple[Source, list[_Record]]:
    """A git checkout (or bare mirror) of the PyPA or GitHub advisory database, path or URL: its HEAD commit."""
    repo = Path(ref)
    if _is_url(ref):
        repo = workdir / "git"
        try:
            _git(["clone", "--quiet", "--depth", "1", ref, str(repo)])
        except AdvisoryDatabaseError as exc:
            raise AdvisoryDatabaseError(f"{ref}: cannot clone ({exc}); without network pass --git DIR with a checkout of it") from None
    elif not repo.is_dir():
        raise AdvisoryDatabaseError(f"{ref}: no such directory; pass --git with a checkout of the PyPA advisory database (or its URL)")
    try:
        commit = _git(["rev-parse", "--verify", "HEAD^{commit}"], cwd=repo).decode().strip()
    except AdvisoryDatabaseError:
        raise AdvisoryDatabaseError(f"{ref}: not a git checkout with a commit; pass a clone of the advisory database") from None
    date = _git(["log", "-1", "--format=%cI", commit], cwd=repo).decode().strip()
    listing = _git(["ls-tree", "-r", "-z", commit], cwd=repo).split(b"\0")
    entries: list[tuple[str, str]] = []
    kind = ""
    for line in filter(None, listing):
        meta, _, name = line.decode().partition("\t")
        layout = next((k for prefix, k in GIT_LAYOUTS if name.startswith(prefix)), None)
        if layout and meta.split()[1] == "blob" and name.endswith(_SUFFIXES):
            kind = kind or layout
            entries.append((meta.split()[2], name))
    if not entries:
        raise AdvisoryDatabaseError(
            f"{ref}: no OSV records under vulns/ or advisories/github-reviewed/; is it the PyPA or GitHub advisory database?"
        )
    wanted = frozenset(packages)
    mention = _mention_pattern(packages)
    records = []
    label = Path(ref).name if not _is_url(ref) else ref
    for path, data in _git_blobs(repo, entries):
        if not mention.search(data):
            continue
        origin = f"{label}:{path}"
        suffix = Path(path).suffix
        if kept := _keep(_decode(data, suffix, origin), data, suffix, origin, wanted):
            records.append(kept)
    location = ref if _is_url(ref) else _origin_url(repo) or "local checkout (no origin remote)"
    return Source(kind, location, _dt.datetime.fromisoformat(date).astimezone(_dt.timezone.utc).date(), len(records), commit=commit), records


def _origin_url(repo: Path) -> str:
    try:
        url = _git(["remote", "get-url", "origin"], cwd=repo).decode().strip()
    except AdvisoryDatabaseError:
        return ""
    return url if _is_url(url) else ""  # a local path names this machine: leave it out


def _day(timestamp: str) -> _dt.date | None:
    try:
        return _dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00")).date() if timestamp else None
    except ValueError:
        return None


# -- writing ------------------------------------------------------------------------


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def render_manifest(manifest: Manifest) -> str:
    lines = [
        "# The advisory data of flask-lts: OSV records as their sources publish them (less their",
        "# links to the project's page on the package index), for every package of any channel.",
        "# Made by `make advisories`; do not edit by hand.",
        f'schema = "{SCHEMA}"',
        f"taken = {manifest.taken.isoformat()}",
        f"records = {manifest.records}",
        "packages = [" + ", ".join(_toml_string(p) for p in manifest.packages) + "]",
    ]
    for source in manifest.sources:
        lines += ["", "[[sources]]", f"kind = {_toml_string(source.kind)}", f"location = {_toml_string(source.location)}"]
        if source.commit:
            lines.append(f"commit = {_toml_string(source.commit)}")
        if source.sha256:
            lines.append(f"sha256 = {_toml_string(source.sha256)}")
        lines += [f"snapshot = {source.snapshot.isoformat()}", f"records = {source.records}"]
    return "\n".join(lines) + "\n"


def _merge(batches: Iterable[list[_Record]]) -> dict[str, _Record]:
    """One record per id across sources: the one modified last (the first source on a tie)."""
    kept: dict[str, _Record] = {}
    for batch in batches:
        for record in batch:
            old = kept.get(record.id)
            if old is None or record.modified > old.modified:
                kept[record.id] = record
    return kept


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Move the staged osv/ and manifest into out_dir: records first, manifest last, so that a
    crash in between leaves new records under the old manifest (which then claims older data)."""
    target = out_dir / RECORDS_DIR
    old = staging / "old"
    if target.exists():
        os.rename(target, old)
    try:
        os.rename(staging / RECORDS_DIR, target)
    except OSError:
        if old.exists():
            os.rename(old, target)
        raise
    os.replace(staging / MANIFEST, out_dir / MANIFEST)


def refresh(
    osv_zips: Sequence[str],
    gits: Sequence[str],
    packages: Sequence[str],
    out_dir: Path,
    today: _dt.date,
    log: Any = lambda message: None,
) -> Manifest:
    """Read every source, keep the channels' packages' records, replace out_dir/osv and its manifest."""
    if not osv_zips and not gits:
        raise AdvisoryDatabaseError("no advisory source: pass --osv-zip FILE|URL and/or --git DIR|URL")
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".refresh-", dir=out_dir))
    try:
        sources: list[Source] = []
        batches: list[list[_Record]] = []
        for ref in osv_zips:
            log(f"reading the OSV export {ref}")
            source, records = read_osv_zip(ref, packages, staging)
            sources.append(source)
            batches.append(records)
            log(f"  {len(records)} records for the channels' packages (snapshot {source.snapshot})")
        for ref in gits:
            log(f"reading the git checkout {ref}")
            source, records = read_git(ref, packages, staging)
            sources.append(source)
            batches.append(records)
            log(f"  {source.kind} at {source.commit[:12]}: {len(records)} records (snapshot {source.snapshot})")
        kept = _merge(batches)
        for record in kept.values():
            path = staging / RECORDS_DIR / record.package / f"{record.id}{record.suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(without_index_links(record.data, record.suffix))
            os.chmod(path, 0o644)
        (staging / RECORDS_DIR).mkdir(exist_ok=True)
        manifest = Manifest(today, tuple(sources), tuple(packages), len(kept))
        (staging / MANIFEST).write_text(render_manifest(manifest), encoding="utf-8")
        _swap_in(staging, out_dir)
        return manifest
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# -- flask-lts's own records and the published advisories that may replace them -----------------


def _records(folder: Path) -> list[tuple[Path, Advisory]]:
    """(file, advisory) of every readable, not withdrawn OSV record under a folder."""
    if not folder.is_dir():
        return []
    files = sorted(p for p in folder.rglob("*") if p.suffix in _SUFFIXES and p.is_file())
    return [(p, a) for p in files if (a := parse_record(_read_record(p), str(p))) is not None]


def own_records_to_review(directory: Path) -> list[tuple[Path, Advisory, list[str]]]:
    """flask-lts's own records (local/<package>/FLTS-...) that a published advisory may now cover:
    each with the ids of the records of osv/ about one of its packages that name one of its fixed
    versions. A published advisory for the same fix carries an id of its own, so the refresh cannot
    tell them apart: it lists them for a maintainer to compare (docs/audit.md, "Advisories of our own")."""
    published = [a for _, a in _records(directory / RECORDS_DIR)]
    review = []
    for path, own in _records(directory / LOCAL_DIR):
        if not is_own_id(own.id):
            continue
        candidates = sorted({
            other.id for other in published for entry in own.affected
            if set(other.fixed(entry.package)) & set(entry.fixed())
        })  # fmt: skip
        if candidates:
            review.append((path, own, candidates))
    return review


# -- reading the manifest and the searches, and the age warning ------------------------------


def _data_root(directory: Path) -> Path | None:
    """The folder holding the manifest of an advisory directory (it, or the parent of its osv/)."""
    for candidate in (directory, directory.parent if directory.name == RECORDS_DIR else None):
        if candidate is not None and (candidate / MANIFEST).is_file():
            return candidate
    return None


def read_manifest(directory: Path) -> Manifest | None:
    """The manifest describing an advisory directory (in it, or beside its osv/); None if none."""
    root = _data_root(directory)
    if root is None:
        return None
    candidate = root / MANIFEST
    try:
        data = tomllib.loads(candidate.read_text(encoding="utf-8"))
        sources = tuple(
            Source(s["kind"], s["location"], s["snapshot"], int(s.get("records", 0)), s.get("commit", ""), s.get("sha256", ""))
            for s in data["sources"]
        )
        if data.get("schema") != SCHEMA or not sources or not isinstance(data["taken"], _dt.date):
            raise ValueError(f"schema must be {SCHEMA!r} with a taken date and at least one [[sources]]")
        if not all(isinstance(s.snapshot, _dt.date) for s in sources):
            raise ValueError("every source needs a snapshot date")
        return Manifest(data["taken"], sources, tuple(data.get("packages", ())), int(data.get("records", 0)))
    except (OSError, ValueError, KeyError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise AdvisoryDatabaseError(f"{candidate}: malformed advisory manifest ({exc}); run make advisories to rewrite it") from None


@dataclass(frozen=True)
class Search:
    """One search flask-lts made for advisories its sources lack (local/searches.toml): every
    package in `packages` was searched for advisories published from `since` through `through`."""

    since: _dt.date
    through: _dt.date
    packages: tuple[str, ...]
    method: str
    gaps: tuple[tuple[str, str], ...] = ()  # (package, why it was not searched through `through`)


def read_searches(directory: Path) -> tuple[Search, ...]:
    """The searches recorded in local/searches.toml beside an advisory directory's manifest; () if none."""
    root = _data_root(directory)
    path = root / LOCAL_DIR / SEARCHES if root is not None else None
    if path is None or not path.is_file():
        return ()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != SEARCH_SCHEMA:
            raise ValueError(f"schema must be {SEARCH_SCHEMA!r}")
        searches = []
        for index, entry in enumerate(data.get("searches", [])):
            since, through = entry["since"], entry["through"]
            if not (isinstance(since, _dt.date) and isinstance(through, _dt.date) and since <= through):
                raise ValueError(f"[[searches]][{index}]: since and through must be dates, since not after through")
            packages = tuple(canonicalize_name(str(p)) for p in entry["packages"])
            gaps = tuple((canonicalize_name(str(g["package"])), str(g["reason"])) for g in entry.get("gaps", []))
            if not str(entry.get("method", "")).strip():
                raise ValueError(f"[[searches]][{index}]: method must say how the packages were searched")
            if overlap := sorted(set(packages) & {g for g, _ in gaps}):
                raise ValueError(f"[[searches]][{index}]: {', '.join(overlap)} both searched and a gap")
            searches.append(Search(since, through, packages, str(entry["method"]), gaps))
        return tuple(searches)
    except (OSError, ValueError, KeyError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise AdvisoryDatabaseError(f"{path}: malformed advisory search record ({exc}); fix it by hand (docs/audit.md)") from None


def complete_up_to(manifest: Manifest, searches: Sequence[Search]) -> dict[str, _dt.date]:
    """The day each package's data is complete up to: the oldest source snapshot, moved on by every
    search of that package that starts no later than the day reached so far (no gap in between)."""
    reached = {canonicalize_name(p): manifest.data_date for p in manifest.packages}
    for search in sorted(searches, key=lambda s: s.since):
        for package in search.packages:
            if package in reached and search.since <= reached[package]:
                reached[package] = max(reached[package], search.through)
    return reached


def _names(packages: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(packages[:limit])
    return shown + (f" and {len(packages) - limit} more" if len(packages) > limit else "")


def age_notes(directories: Sequence[Path], today: _dt.date, max_age_days: int = MAX_AGE_DAYS) -> tuple[list[str], list[str]]:
    """(notes, warnings) on how old each advisory directory's data is; a warning when older than max_age_days."""
    notes: list[str] = []
    warnings: list[str] = []
    for directory in directories:
        manifest = read_manifest(Path(directory))
        if manifest is None:
            notes.append(f"advisory data {directory}: no {MANIFEST}, so its age is unknown")
            continue
        searches = read_searches(Path(directory))
        reached = complete_up_to(manifest, searches)
        data_date = min(reached.values(), default=manifest.data_date)
        age = (today - data_date).days
        sources = "; ".join(
            f"{s.kind} {s.location}" + (f" @ {s.commit[:12]}" if s.commit else "") + f" up to {s.snapshot}" for s in manifest.sources
        )
        for search in searches:
            searched = sum(1 for p in search.packages if p in reached)
            sources += (f"; flask-lts search ({LOCAL_DIR}/{SEARCHES}) of {searched} of {len(reached)} packages"
                        f" from {search.since} through {search.through}")
        by_day = sorted(set(reached.values()), reverse=True)
        if len(by_day) > 1:  # say how many packages reach each day, not only the oldest
            sources += " (packages complete up to " + ", ".join(
                f"{day}: {sum(1 for d in reached.values() if d == day)}" for day in by_day) + ")"
        notes.append(f"advisory data {directory}: taken {manifest.taken}, complete up to {data_date} ({age} days old): {sources}")
        behind = sorted(p for p, day in reached.items() if (today - day).days > max_age_days)
        if searches and behind:
            notes.append(f"advisory data {directory}: not searched since {data_date}: {_names(behind)}")
        if age > max_age_days:
            which = f" for {len(behind)} of {len(reached)} packages ({_names(behind)})" if searches and behind else ""
            warnings.append(
                f"WARNING: advisory data {directory} is {age} days old (more than {max_age_days}){which}: "
                "advisories published since are missing; run make advisories"
            )
    return notes, warnings
