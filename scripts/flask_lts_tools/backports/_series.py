"""A channel's backports as data: `channels/<ch>/patches/<package>/backport.toml` and its patches.

One folder per package. `backport.toml` names the frozen release the patches apply to, the
backport revision, the pinned build backend and the `series` (the patches, in the order they
apply, as quilt's series file does). Each patch fixes one advisory and is named after it
(`GHSA-hgf8-39gv-g3f2.patch`); its header, before the diff, is DEP-3 (Debian's patch
tagging): `Description`, `Origin` (the upstream commit), `Bug` (the advisory), `Applied-Upstream`
(the release that fixed it), plus ours: `Advisory`, `Aliases`, `Regression-Tests` (pytest node
ids of the fix's own tests, one per line) and `Upstream-Diff` (the releases whose sdists the
fix was taken from).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .. import _layout as layout
from .._exceptions import BackportError
from .._toml import tomllib

CONFIG = "backport.toml"
_REQUIRED = ("Description", "Origin", "Advisory", "Applied-Upstream", "Regression-Tests")
_DIFF_START = re.compile(r"^(diff --git |--- |Index: )", re.M)


@dataclass(frozen=True)
class Patch:
    """One advisory's fix, as a file of the series."""

    path: Path
    advisory: str
    aliases: tuple[str, ...]
    description: str
    origin: str
    fixed_upstream: str  # the upstream release that first carried the fix
    regression_tests: tuple[str, ...]  # node ids, relative to the sdist's root

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class PackageBackports:
    """The patches of one package of one channel, and how its build is numbered and made."""

    channel: str
    package: str  # canonical name
    release: str  # the frozen release the patches apply to
    revision: int
    build_requires: tuple[str, ...]
    patches: tuple[Patch, ...]
    folder: Path

    @property
    def version(self) -> str:
        return local_version(self.release, self.channel, self.revision)

    @property
    def advisories(self) -> list[str]:
        return [p.advisory for p in self.patches]


def local_version(release: str, channel: str, revision: int) -> str:
    """The build's version: the frozen release with a local segment naming the channel and the
    backport revision (`3.0.6+lts2024.1`). `==3.0.6` matches it, the public index refuses it,
    and `3.0.6+lts2024.1 < 3.0.6+lts2024.2 < 3.0.7` (docs/backports.md says why)."""
    if not re.fullmatch(r"[0-9a-z]+", channel):
        raise BackportError(f"channel name {channel!r} cannot be part of a local version (letters and digits only)")
    version = Version(f"{release}+lts{channel}.{revision}")
    return str(version)


def read_patch(path: Path) -> Patch:
    """A patch's DEP-3 header; BackportError naming the file when a field is missing."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BackportError(f"{path}: cannot be read ({exc}); restore the patch file") from None
    match = _DIFF_START.search(text)
    if match is None:
        raise BackportError(f"{path}: holds no diff (no 'diff --git' or '---' line); regenerate it from the upstream fix")
    header = HeaderParser().parsestr(text[: match.start()].strip() + "\n")
    missing = [f for f in _REQUIRED if not (header.get(f) or "").strip()]
    if missing:
        raise BackportError(f"{path}: its header lacks {', '.join(missing)} (DEP-3 fields, docs/backports.md); add them above the diff")
    advisory = header["Advisory"].strip()
    if path.stem != advisory:
        raise BackportError(f"{path}: fixes {advisory} but is not named {advisory}.patch; one patch per advisory, named after it")
    try:
        Version(header["Applied-Upstream"].strip())
    except InvalidVersion:
        raise BackportError(f"{path}: Applied-Upstream {header['Applied-Upstream'].strip()!r} is not a version") from None
    tests = tuple(t.strip() for t in header["Regression-Tests"].splitlines() if t.strip())
    return Patch(
        path, advisory, tuple(a.strip() for a in (header.get("Aliases") or "").split(",") if a.strip()),
        " ".join(header["Description"].split()), " ".join(header["Origin"].split()), header["Applied-Upstream"].strip(), tests,
    )  # fmt: skip


def load_package(folder: Path, channel: str) -> PackageBackports:
    """One package's backports from its folder; every `*.patch` there must be in the series."""
    config = folder / CONFIG
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackportError(f"{config}: missing; a patches folder needs its {CONFIG} (release, revision, series)") from None
    except tomllib.TOMLDecodeError as exc:
        raise BackportError(f"{config}: not valid TOML ({exc})") from None
    for key, kind in (("release", str), ("revision", int), ("series", list), ("build-requires", list)):
        if not isinstance(data.get(key), kind):
            raise BackportError(f"{config}: `{key}` must be a {kind.__name__}")
    if data["revision"] < 1:
        raise BackportError(f"{config}: revision must be 1 or more")
    try:
        Version(data["release"])
        build_requires = tuple(str(Requirement(r)) for r in data["build-requires"])
    except (InvalidVersion, InvalidRequirement) as exc:
        raise BackportError(f"{config}: {exc}") from None
    if any(len(Requirement(r).specifier) != 1 or not str(Requirement(r).specifier).startswith("==") for r in build_requires):
        raise BackportError(f"{config}: build-requires must pin every build tool with == (the same bytes every time)")
    listed = list(data["series"])
    on_disk = sorted(p.name for p in folder.glob("*.patch"))
    unlisted = [n for n in on_disk if n not in listed]
    if unlisted:
        raise BackportError(f"{folder / unlisted[0]}: not in the series of {config}; add it to `series` (in the order it applies) or remove it")
    absent = [n for n in listed if n not in on_disk]
    if absent:
        raise BackportError(f"{folder / absent[0]}: listed in the series of {config} but missing; restore it or drop it from `series`")
    if not listed:
        raise BackportError(f"{config}: the series is empty; remove the folder or add a patch")
    patches = tuple(read_patch(folder / name) for name in listed)
    return PackageBackports(channel, canonicalize_name(folder.name), data["release"], data["revision"], build_requires, patches, folder)


def load_backports(channel: str, channels_dir: Path = layout.CHANNELS, package: str | None = None) -> list[PackageBackports]:
    """Every package a channel backports fixes into (or only `package`), sorted by name."""
    root = channels_dir / channel / "patches"
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    if package is not None:
        folders = [f for f in folders if canonicalize_name(f.name) == canonicalize_name(package)]
        if not folders:
            raise BackportError(f"{layout.patches_folder(channel, package, channels_dir)}: no backports of {package} in channel {channel}")
    return [load_package(f, channel) for f in folders]
