"""A channel's published backport builds (`packages/<channel>/`), read back: the builds' records,
checked against SHA256SUMS, and what the channel's constraints pin instead of its frozen releases.

Kept apart from the build and the gate so that the resolver, the audit and the verifier read
the builds without depending on how they are made.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from .. import _layout as layout
from .._exceptions import BackportError
from .._files import sha256
from ._index import simple_index

CHECKSUMS = "SHA256SUMS"
VEX = "vex.json"


def published_builds(channel: str, packages_dir: Path = layout.PACKAGES) -> list[dict]:
    """The records of every build published for a channel, checked against SHA256SUMS."""
    folder = layout.packages_folder(channel, packages_dir)
    if not folder.is_dir():
        return []
    sums = folder / CHECKSUMS
    listed = dict(reversed(line.split("  ", 1)) for line in sums.read_text(encoding="utf-8").splitlines()) if sums.is_file() else {}
    for name in sorted(p.name for p in folder.iterdir() if p.name != CHECKSUMS):
        if name not in listed or sha256(folder / name) != listed[name]:
            raise BackportError(f"{folder / name}: does not match {sums}; published builds never change, restore it from git")
    return [json.loads((folder / n).read_text(encoding="utf-8")) for n in sorted(listed) if n.endswith(".json") and n != VEX]


def channel_builds(channel: str, packages_dir: Path = layout.PACKAGES) -> dict[str, tuple[str, str, list[str]]]:
    """What a channel's constraints pin instead of its frozen releases: package -> (release, build
    version, sha256s) of its newest published build (none when it publishes no builds)."""
    return pins_of(published_builds(channel, packages_dir))


def pins_of(records: Sequence[dict]) -> dict[str, tuple[str, str, list[str]]]:
    """What `pin_builds` needs from published records: package -> (release, build version, sha256s);
    the newest revision of each package's build wins."""
    out: dict[str, tuple[str, str, list[str]]] = {}
    for r in sorted(records, key=lambda r: (r["package"], local_revision(r["version"]))):
        out[r["package"]] = (r["release"], r["version"], [f["sha256"] for f in r["files"]])
    return out


def local_revision(version: str) -> int:
    """The backport revision of a build version (`3.0.6+lts2024.3` -> 3)."""
    return int(version.rpartition(".")[2])


def site_files(channels: Sequence[str], packages_dir: Path = layout.PACKAGES) -> dict[str, bytes]:
    """The site's part for each channel with published builds: `<ch>/packages/` (the builds,
    records, patches, VEX) and `<ch>/simple/` (the channel's package index)."""
    out: dict[str, bytes] = {}
    for channel in channels:
        folder = layout.packages_folder(channel, packages_dir)
        if not published_builds(channel, packages_dir):
            continue
        names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
        for name in names:
            out[f"{channel}/packages/{name}"] = (folder / name).read_bytes()
        dists = {n: (folder / n).read_bytes() for n in names if n.endswith((".whl", ".tar.gz"))}
        for path, data in simple_index(dists).items():
            out[f"{channel}/{path}"] = data
    return out
