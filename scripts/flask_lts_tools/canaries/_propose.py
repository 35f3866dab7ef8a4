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

import email.parser
import re
import tarfile
import tomllib
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from .. import index
from .._exceptions import CanaryError, PackageIndexError
from ..channel import Channel
from ._registry import Canary

TEST_PATHS = re.compile(r"^[^/]+/(?:(?:src/)?[^/]+/)?(tests?|testing)/|^[^/]+/test_[^/]*\.py$|^[^/]+/tests?\.py$")


@dataclass
class Candidate:
    name: str
    rank: int | None = None
    version: str = ""
    depends_on: list[str] = field(default_factory=list)  # Flask and the extension packages it requires
    tests: list[str] = field(default_factory=list)  # where the sdist keeps tests
    verdict: str = ""  # "candidate", or why not


def rejected_names(path: Path) -> set[str]:
    """The recorded rejections (name -> reason); a missing file is none."""
    if not path.exists():
        return set()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CanaryError(f"{path}: TOML syntax error: {exc}") from None
    return {str(canonicalize_name(name)) for name in data.get("rejected", {})}


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
