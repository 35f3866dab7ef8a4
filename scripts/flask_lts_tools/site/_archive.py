"""The published archive: `published/<channel>/<version>/`, one folder per serial, never rewritten.

`archive_serial(channel, constraints_dir, archive_dir)` copies a channel's current constraints
files into the folder of its serial (with an OpenVEX `vex.json` and the patches of the
backport builds it pins, docs/backports.md), with a SHA256SUMS file, when that serial is not
there yet, and refuses when it is there with other bytes: a published serial is what
users' `pip install -c <url>` lines point at, so it must never change under them.
`read_archive(archive_dir)` lists every published serial and checks each folder against
its SHA256SUMS, so a hand edit of a committed file is caught before the site ships it.
Given an advisory database, a new serial is archived only when the channel's audit of
its constraints passes (docs/audit.md, "The gate").
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .._exceptions import ArchiveError, ConstraintsError

from ..channel import Channel
from ..constraints import parse_pins
from .. import _layout as layout

if TYPE_CHECKING:
    from ..audit import AdvisoryDatabase

CHECKSUMS = "SHA256SUMS"
_SERIAL_IN_HEADER = re.compile(r"\(serial ([^)\s]+)\)")
_MADE_ON = re.compile(r"^# Made on (\d{4}-\d{2}-\d{2})\.$", re.M)
_SUMS_LINE = re.compile(r"^([0-9a-f]{64})  (\S+)$")



@dataclass(frozen=True)
class PublishedSerial:
    """One folder of the archive: a channel's serial and its files (name -> bytes digest)."""

    channel: str
    version: str
    serial: int
    path: Path
    digests: dict[str, str]

    @property
    def files(self) -> list[str]:
        """The files of the serial (SHA256SUMS not included), sorted: its constraints, and with
        backport builds pinned, `vex.json` and their patches."""
        return sorted(self.digests)

    @property
    def merged(self) -> Path:
        return self.path / merged_name(self.channel)

    def made_on(self) -> _dt.date | None:
        """The 'Made on' date of the serial's main file header, if it has one."""
        match = _MADE_ON.search(self.merged.read_text(encoding="utf-8"))
        return _dt.date.fromisoformat(match.group(1)) if match else None


@dataclass(frozen=True)
class ArchiveOutcome:
    channel: str
    version: str
    path: Path
    state: str  # "published" (written now) | "unchanged" (already there, same bytes)


merged_name = layout.constraints_name
hashed_name = layout.hashed_constraints_name


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checksums_text(files: dict[str, bytes]) -> str:
    """`sha256sum` format, sorted by name: `sha256sum -c SHA256SUMS` checks a download."""
    return "".join(f"{sha256(data)}  {name}\n" for name, data in sorted(files.items()))


def current_files(channel: Channel, constraints_dir: Path) -> dict[Path, str]:
    """The constraints files of a channel's current serial: source path -> published name."""
    sources = {
        constraints_dir / merged_name(channel.name): merged_name(channel.name),
        constraints_dir / hashed_name(channel.name): hashed_name(channel.name),
    }
    for python in channel.pythons:
        for name in (f"py{python}.txt", f"py{python}-hashes.txt"):
            sources[constraints_dir / channel.name / name] = name
    missing = [str(p) for p in sources if not p.is_file()]
    if missing:
        raise ConstraintsError(
            f"{missing[0]}: missing ({len(missing)} constraints file(s) of channel {channel.name} in all); "
            f"run make resolve CHANNEL={channel.name}"
        )
    return sources


def backport_files(channel: Channel, merged: bytes, packages_dir: Path = layout.PACKAGES) -> dict[str, bytes]:
    """The OpenVEX statement and the patches of the backport builds a serial's merged file pins."""
    from ..backports import serial_files

    pins = {(p.name, p.version) for p in parse_pins(merged.decode("utf-8"))}
    return serial_files(channel.name, pins, packages_dir, serial=channel.version)


def _check_header_serial(channel: Channel, path: Path, text: str) -> None:
    match = _SERIAL_IN_HEADER.search(text)
    if match and match.group(1) != channel.version:
        raise ArchiveError(
            f"{path}: made for serial {match.group(1)}, but {channel.path} says serial {channel.serial} "
            f"({channel.version}); run make resolve CHANNEL={channel.name} before publishing"
        )


def _pin_changes(old: bytes, new: bytes) -> str:
    """What differs between two versions of a constraints file, in a few words."""
    try:
        before = {(p.name, str(p.marker)): p for p in parse_pins(old.decode("utf-8"))}
        after = {(p.name, str(p.marker)): p for p in parse_pins(new.decode("utf-8"))}
    except (ConstraintsError, UnicodeDecodeError):
        return "the contents differ"
    changed = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a is None or b is None or a.version != b.version:
            changed.append(f"{key[0]} {a.version if a else '(none)'} -> {b.version if b else '(none)'}")
        elif a.hashes != b.hashes:
            changed.append(f"{key[0]} {a.version} hashes")
    if not changed:
        return "only the header comments differ; the pins are the same"
    more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
    return "pins differ: " + ", ".join(changed[:3]) + more


def _channel_serials(archive_dir: Path, channel: str) -> list[PublishedSerial]:
    folder = archive_dir / channel
    if not folder.is_dir():
        return []
    pattern = re.compile(rf"^{re.escape(channel)}\.(\d+)$")
    serials = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue  # an interrupted publish's staging folder
        match = pattern.match(entry.name)
        if not match or not entry.is_dir():
            raise ArchiveError(
                f"{entry}: not a serial folder; {folder} holds only folders named {channel}.<serial>"
            )
        serials.append(_read_serial(entry, channel, int(match.group(1))))
    return sorted(serials, key=lambda s: s.serial)


def _read_serial(folder: Path, channel: str, serial: int) -> PublishedSerial:
    sums = folder / CHECKSUMS
    if not sums.is_file():
        raise ArchiveError(f"{sums}: missing; a published serial carries its checksums (restore it from git)")
    digests: dict[str, str] = {}
    for number, line in enumerate(sums.read_text(encoding="utf-8").splitlines(), start=1):
        match = _SUMS_LINE.match(line)
        if not match:
            raise ArchiveError(f"{sums}:{number}: not a '<sha256>  <file>' line; restore the file from git")
        digests[match.group(2)] = match.group(1)
    present = {p.name for p in folder.iterdir() if p.name != CHECKSUMS}
    for name in sorted(present | digests.keys()):
        path = folder / name
        if name not in digests:
            raise ArchiveError(f"{path}: not listed in {CHECKSUMS}; published serials never gain files, remove it")
        if name not in present:
            raise ArchiveError(f"{path}: listed in {CHECKSUMS} but missing; restore it from git")
        if sha256(path.read_bytes()) != digests[name]:
            raise ArchiveError(
                f"{path}: does not match its {CHECKSUMS}; published files never change, restore it from git"
            )
    if merged_name(channel) not in digests:
        raise ArchiveError(f"{folder}: has no {merged_name(channel)}")
    return PublishedSerial(channel, folder.name, serial, folder, digests)


def read_archive(archive_dir: Path) -> dict[str, list[PublishedSerial]]:
    """Every channel of the archive -> its published serials, oldest first, each checked."""
    if not archive_dir.is_dir():
        return {}
    return {
        entry.name: serials
        for entry in sorted(archive_dir.iterdir())
        if entry.is_dir() and not entry.name.startswith(".") and (serials := _channel_serials(archive_dir, entry.name))
    }


def archive_serial(
    channel: Channel, constraints_dir: Path, archive_dir: Path, check: bool = False,
    advisories: AdvisoryDatabase | None = None, today: _dt.date | None = None, packages_dir: Path = layout.PACKAGES,
) -> ArchiveOutcome:  # fmt: skip
    """Copy the channel's current constraints into `archive_dir/<name>/<version>/`, with, when
    they pin backport builds of the channel (`packages_dir`), the serial's `vex.json` and the
    builds' patches (backport_files).

    Nothing happens when that serial is already published with the same bytes.
    ArchiveError when it is published with other bytes, when a newer serial is already
    published, or (with `check`) when the serial is not published yet. With `advisories`,
    a new serial of a channel that is not end-of-life is audited first (as of `today`):
    AuditGateError, and nothing written, while the audit fails.
    """
    sources = current_files(channel, constraints_dir)
    contents = {name: path.read_bytes() for path, name in sources.items()}
    for path, name in sources.items():
        _check_header_serial(channel, path, contents[name].decode("utf-8", "replace"))
    extras = backport_files(channel, contents[merged_name(channel.name)], packages_dir)
    published = _channel_serials(archive_dir, channel.name)
    target = archive_dir / channel.name / channel.version
    existing = next((s for s in published if s.serial == channel.serial), None)
    if existing is not None:
        for path, name in sources.items():
            old = existing.path / name
            if name not in existing.digests:
                raise ArchiveError(
                    f"{path}: serial {channel.version} is already published without this file; a new file is a "
                    f"new serial: bump serial in {channel.path}"
                )
            if existing.digests[name] != sha256(contents[name]):
                raise ArchiveError(
                    f"{path}: differs from the published {old} ({_pin_changes(old.read_bytes(), contents[name])}); "
                    f"serial {channel.version} is published and never changes: bump serial in {channel.path} "
                    f"(make refresh does) or restore the file from {old}"
                )
        for name, data in extras.items():
            if existing.digests.get(name) != sha256(data):
                raise ArchiveError(
                    f"{existing.path / name}: serial {channel.version} is published "
                    f"{'with other bytes' if name in existing.digests else 'without it'}; it comes from the backport "
                    f"builds the serial pins ({layout.packages_folder(channel.name, packages_dir)}), which never change: "
                    f"restore them from git, or bump serial in {channel.path}"
                )
        dropped = sorted(set(existing.digests) - set(contents) - set(extras))
        if dropped:
            raise ArchiveError(
                f"{existing.path / dropped[0]}: published in serial {channel.version} but no longer in "
                f"{constraints_dir}; bump serial in {channel.path} for a serial without it"
            )
        return ArchiveOutcome(channel.name, channel.version, existing.path, "unchanged")
    newer = [s for s in published if s.serial > channel.serial]
    if newer:
        raise ArchiveError(
            f"{newer[-1].path}: serial {newer[-1].version} is already published, newer than {channel.version} "
            f"in {channel.path}; serials only grow"
        )
    if check:
        raise ArchiveError(
            f"{target}: serial {channel.version} is not published; run make site (or flask-lts-tools "
            "publish-constraints) and commit published/"
        )
    # An end-of-life channel takes no fixes: the gate, which makes a maintained channel's new serial
    # wait for every advisory's decision, would keep it off the site for good. Its page shows the audit.
    if advisories is not None and channel.status != "end-of-life":
        from ..audit import audit, refuse_unless_clean

        pins = parse_pins(contents[merged_name(channel.name)].decode("utf-8"))
        report = audit(channel, pins, advisories, today or _dt.date.today(), constraints=merged_name(channel.name))
        refuse_unless_clean(report, f"archive serial {channel.version}")
    contents.update(extras)
    _write_folder(target, {**contents, CHECKSUMS: checksums_text(contents).encode("utf-8")})
    return ArchiveOutcome(channel.name, channel.version, target, "published")


def _write_folder(target: Path, files: dict[str, bytes]) -> None:
    """Stage the whole folder next to its place, then rename: a serial appears complete or not at all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
            os.chmod(staging / name, 0o644)
        os.chmod(staging, 0o755)
        os.rename(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
