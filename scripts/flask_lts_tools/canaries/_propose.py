"""Propose canary candidates from the package index, so the registry can grow by the rule
(docs/canaries-research.md, "The rule").

Candidates are the index's projects whose name mentions Flask or WTForms (plus any named on the
command line), less the channel's own packages, the
registry's canaries and the recorded rejections (`channels/canaries/rejected.toml`), ordered by
download rank when a ranks file is given (`name<TAB>version<TAB>date<TAB>rank`, the package list
this workplace provides), else by name. For the first `limit` of them the newest release's sdist
is fetched (sha256-checked, cached) and read: does it declare a dependency on Flask or on a
package of the channel's extension groups, and does it ship tests? What passes both is a candidate for the
rule's next step (run its suite under the channel; docs/canaries-research.md §3).
"""

from __future__ import annotations

import datetime
import email.parser
import re
import tarfile
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .. import index
from .._exceptions import CanaryError, PackageIndexError
from ..channel import Channel
from ._registry import Canary, load_canaries, read_tables

TEST_PATHS = re.compile(r"^[^/]+/(?:(?:src/)?[^/]+/)?(tests?|testing)/|^[^/]+/test_[^/]*\.py$|^[^/]+/tests?\.py$")


@dataclass
class Candidate:
    name: str
    rank: int | None = None
    version: str = ""
    depends_on: list[str] = field(default_factory=list)  # Flask and the extension packages it requires
    tests: list[str] = field(default_factory=list)  # where the sdist keeps tests
    verdict: str = ""  # "candidate", or why not


@dataclass(frozen=True)
class Rejected:
    """A candidate checked by the rule and left out (channels/canaries/rejected.toml)."""

    name: str  # canonical (PEP 503)
    version: str | Mapping[str, str]  # the release checked, or per channel when they differ; "" when none could be
    channels: tuple[str, ...]  # where it was checked; () when the research does not say
    checked: datetime.date | None
    reason: str


_REJECTED_KEYS = {"version", "channels", "checked", "reason"}


def _parse_rejected(name: str, entry: object, path: Path) -> Rejected:
    def fail(message: str) -> CanaryError:
        return CanaryError(f"{path} [rejected.{name}]: {message}")

    if not isinstance(entry, Mapping):
        raise fail("must be a table")
    if name != canonicalize_name(name):
        raise fail(f"write the name as {canonicalize_name(name)!r} (PEP 503), so it matches what the index lists")
    unknown = set(entry) - _REJECTED_KEYS
    if unknown:
        raise fail(f"unknown key(s) {', '.join(sorted(unknown))}; the keys are {', '.join(sorted(_REJECTED_KEYS))}")
    reason = entry.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise fail("missing 'reason': say why it was left out (or where the research says it)")
    version = entry.get("version", "")  # absent when no release could be checked
    releases = version if isinstance(version, Mapping) else ({"": version} if "version" in entry else {})
    for channel, release in releases.items():
        where = f"version.{channel}" if channel else "version"
        if not isinstance(release, str):
            raise fail(f"{where} must be a string (or version a table of channel = release)")
        try:
            Version(release)
        except InvalidVersion:
            raise fail(f"{where}: {release!r} is not a PEP 440 version") from None
    channels = entry.get("channels", list(version) if isinstance(version, Mapping) else [])
    if not isinstance(channels, list) or not all(isinstance(c, str) and c for c in channels):
        raise fail("channels must be a list of channel names")
    if isinstance(version, Mapping) and set(channels) != set(version):
        raise fail(f"channels {', '.join(channels)} differ from the version table's {', '.join(version)}")
    checked = entry.get("checked")
    if checked is not None and (not isinstance(checked, datetime.date) or isinstance(checked, datetime.datetime)):
        raise fail(f"checked {checked!r} must be a date (checked = 2026-11-30)")
    version = {str(k): v for k, v in version.items()} if isinstance(version, Mapping) else version
    return Rejected(name, version, tuple(channels), checked, reason.strip())


def load_rejected(path: Path, registry: Path | None = None) -> dict[str, Rejected]:
    """The recorded rejections by name; a missing file is none. None may also be a canary of the
    registry (by default the registry.toml beside the file): CanaryError names the file and the entry."""
    if not path.exists():
        return {}
    data = read_tables(path, "rejected", "rejected candidates", "rejections")
    entries = data.get("rejected", {})
    if not isinstance(entries, Mapping):
        raise CanaryError(f"{path}: rejected must be tables, [rejected.<name>]")
    found = {name: _parse_rejected(name, entry, path) for name, entry in entries.items()}
    registry = registry or path.with_name("registry.toml")
    canaries = {str(c.distribution) for c in load_canaries(registry)}
    for name in found:
        if name in canaries:
            raise CanaryError(f"{path} [rejected.{name}]: is a canary of {registry}; an accepted candidate is not a rejected one, remove one of the two")
    return found


def rejected_names(path: Path, registry: Path | None = None) -> set[str]:
    """The names of the recorded rejections (load_rejected's checks apply)."""
    return set(load_rejected(path, registry))


def read_ranks(path: Path) -> dict[str, int]:
    ranks = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) > 3 and fields[3].strip().isdigit():
            ranks[str(canonicalize_name(fields[0]))] = int(fields[3])
    return ranks


def index_names(timeout: float = 120) -> list[str]:
    """Every project the index lists (its simple root page)."""
    url = index.index_url().rstrip("/") + "/"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            html = response.read().decode("utf-8", "replace")
    except OSError as exc:
        raise PackageIndexError(f"could not list the package index's projects ({exc})") from None
    return re.findall(r"<a [^>]*>([^<]+)</a>", html)


def dependables(channel: Channel) -> set[str]:
    """What a canary must depend on (the rule): Flask, or a package of an extension group — a
    Flask extension, or WTForms for wtf. The channel's other libraries (SQLAlchemy, marshmallow,
    Jinja2 …) belong to the wider ecosystem: their dependents are not candidates."""
    found = {"flask", "wtforms"}
    for packages in channel.extras.values():
        found |= {str(canonicalize_name(p)) for p in packages if str(canonicalize_name(p)).startswith("flask")}
    return found


NAME_WORDS = ("flask", "wtforms")  # names worth a look without being named on the command line


def select_candidates(
    channel: Channel, canaries: Sequence[Canary], names: Iterable[str], rejected: set[str], ranks: dict[str, int],
    extra: Sequence[str] = (),
) -> list[Candidate]:  # fmt: skip
    """Names worth a look, best first: mentioning Flask (or an extension), not already known."""
    known = {str(canonicalize_name(p)) for p in channel.series} | {str(c.distribution) for c in canaries} | rejected
    chosen: dict[str, Candidate] = {}
    for raw in [*extra, *names]:
        name = str(canonicalize_name(raw))
        if name in known or name in chosen:
            continue
        if raw in extra or any(w in name for w in NAME_WORDS):
            chosen[name] = Candidate(name, ranks.get(name))
    return sorted(chosen.values(), key=lambda c: (c.rank is None, c.rank or 0, c.name))


def inspect(candidate: Candidate, channel: Channel, cache: Path) -> Candidate:
    """Fill in the newest release, what of the channel it requires and where its tests are."""
    try:
        project = index.project(candidate.name)
    except PackageIndexError as exc:
        candidate.verdict = f"not on the index ({exc})"
        return candidate
    releases = sorted((r for r in project.releases.values() if not r.yanked and not r.version.is_prerelease), key=lambda r: r.version)
    if not releases:
        candidate.verdict = "no release"
        return candidate
    release = releases[-1]
    candidate.version = str(release.version)
    if release.sdist is None:
        candidate.verdict = "no sdist (tests cannot be taken from it)"
        return candidate
    try:
        path = index.download(release.sdist, cache)
        members, requirements = _sdist(path)
    except (PackageIndexError, OSError, tarfile.TarError, zipfile.BadZipFile) as exc:
        candidate.verdict = f"sdist unreadable ({exc})"
        return candidate
    frozen = dependables(channel)
    for line in requirements:
        try:
            name = str(canonicalize_name(Requirement(line).name))
        except InvalidRequirement:
            continue
        if name in frozen and name not in candidate.depends_on:
            candidate.depends_on.append(name)
    candidate.tests = sorted({m.group(0).split("/", 1)[1].rstrip("/") for m in map(TEST_PATHS.match, members) if m})[:4]
    if not candidate.depends_on:
        candidate.verdict = "declares no dependency on Flask or an extension (or its sdist has no Requires-Dist)"
    elif not candidate.tests:
        candidate.verdict = "its sdist ships no tests"
    else:
        candidate.verdict = "candidate: run its suite under the channel (docs/canaries-research.md §3)"
    return candidate


def _sdist(path: Path) -> tuple[list[str], list[str]]:
    """(member names, requirements) of a .tar.gz or .zip sdist. Older
    sdists' PKG-INFO lists no requirements: then egg-info's requires.txt gives them."""
    if path.name.endswith(".zip"):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            texts = {n: archive.read(n).decode("utf-8", "replace") for n in names if _metadata_file(n)}
    else:
        with tarfile.open(path) as archive:
            members = archive.getmembers()
            names = [m.name + ("/" if m.isdir() else "") for m in members]
            texts = {}
            for m in members:
                if _metadata_file(m.name) and m.isfile():
                    handle = archive.extractfile(m)
                    texts[m.name] = handle.read().decode("utf-8", "replace") if handle else ""
    info = next((t for n, t in texts.items() if n.count("/") == 1 and n.endswith("/PKG-INFO")), "")
    requirements = email.parser.Parser().parsestr(info, headersonly=True).get_all("Requires-Dist") or []
    if not requirements:
        requires = next((t for n, t in texts.items() if n.endswith(".egg-info/requires.txt")), "")
        unconditional = requires.split("\n[", 1)[0]  # sections ([extra], [:marker]) are not always needed
        requirements = [line.strip() for line in unconditional.splitlines() if line.strip() and not line.startswith("[")]
    return names, requirements


def _metadata_file(name: str) -> bool:
    return (name.count("/") == 1 and name.endswith("/PKG-INFO")) or name.endswith(".egg-info/requires.txt")


def propose(
    channel: Channel, canaries: Sequence[Canary], rejected: set[str], ranks: dict[str, int], cache: Path,
    limit: int = 20, extra: Sequence[str] = (), names: Iterable[str] | None = None,
) -> list[Candidate]:  # fmt: skip
    """The first `limit` candidates, inspected (8 at a time)."""
    chosen = select_candidates(channel, canaries, index_names() if names is None else names, rejected, ranks, extra)[:limit]
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda c: inspect(c, channel, cache), chosen))
