"""Sdists from the package index: fetched, checked against the index's sha256, cached, read."""

from __future__ import annotations

import datetime as _dt
import fnmatch
import posixpath
import re
import shutil
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from packaging.version import InvalidVersion, Version

from .... import index
from ...._exceptions import FlaskLTSError
from .catalogue import Catalogue, Suite, UpstreamError


@dataclass(frozen=True)
class SdistFile:
    path: Path
    uploaded: _dt.datetime | None
    url: str


def fetch_sdist(name: str, version: str, cache: Path, timeout: float = index.TIMEOUT) -> SdistFile:
    """The sdist of name==version from the index, cached and checked against the index's sha256;
    a channel's backport build (a local version, `3.0.6+lts2024.1`) from its published folder
    (`packages/<channel>/`), checked against the build's record: the public index never has it."""
    try:
        if Version(version).local is not None:
            return backport_sdist(name, version)
    except InvalidVersion:
        pass
    try:
        release = index.project(name, timeout=timeout).releases.get(str(Version(version)))
    except InvalidVersion:
        release = None
    except FlaskLTSError as exc:
        raise UpstreamError(f"{name} {version}: {exc}") from None
    entry = release.sdist if release else None
    if entry is None:
        raise UpstreamError(f"{name} {version} has no sdist on the package index")
    if not entry.sha256:
        raise UpstreamError(f"{name} {version}: the index gives no sha256 for {entry.filename}; refusing an unchecked sdist")
    try:
        target = index.download(entry, cache)
    except FlaskLTSError as exc:
        raise UpstreamError(str(exc)) from None
    return SdistFile(target, entry.uploaded, entry.url)


def backport_sdist(name: str, version: str, packages_dir: Path | None = None) -> SdistFile:
    """The patched sdist of a published backport build (any channel's, `packages/*/`), checked
    against its record's sha256. Its era (for the test tools) is the frozen release's: the
    build's SOURCE_DATE_EPOCH is that release's sdist upload time."""
    from .... import _layout as layout
    from ...._files import sha256
    from ....backports._published import published_builds

    roots = [packages_dir] if packages_dir is not None else [layout.PACKAGES, layout.REPOSITORY_ROOT / layout.PACKAGES]
    for root in roots:
        for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else ():
            try:
                records = published_builds(folder.name, root)
            except FlaskLTSError as exc:
                raise UpstreamError(f"{name} {version}: {exc}") from None
            for record in records:
                if record["package"] != name or record["version"] != version:
                    continue
                sdist = next((f for f in record["files"] if f["filename"].endswith(".tar.gz")), None)
                if sdist is None:
                    raise UpstreamError(f"{name} {version}: the build in {folder} has no sdist")
                path = folder / sdist["filename"]
                if sha256(path) != sdist["sha256"]:
                    raise UpstreamError(f"{path}: sha256 differs from its record; published builds never change, restore it from git")
                uploaded = _dt.datetime.fromtimestamp(int(record["source_date_epoch"]), tz=_dt.timezone.utc)
                return SdistFile(path.resolve(), uploaded, str(path))
    raise UpstreamError(f"{name} {version} is a local build that no channel publishes (packages/<channel>/); "
                        "the package index never has local versions")


class Sdist:
    """Regular files of an sdist archive (tar or zip), by path relative to its top directory;
    links, devices and anything outside the top directory are never read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._members: dict[str, Callable[[], bytes]] = {}
        self._archive: zipfile.ZipFile | tarfile.TarFile
        try:
            if path.name.endswith(".zip"):
                archive = self._archive = zipfile.ZipFile(path)
                for info in archive.infolist():
                    if not info.is_dir():
                        self._add(info.filename, lambda info=info: archive.read(info))
            else:
                tar = self._archive = tarfile.open(path)
                for member in tar.getmembers():
                    if member.isfile():
                        self._add(member.name, lambda member=member: tar.extractfile(member).read())  # type: ignore[union-attr]
        except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise UpstreamError(f"{path.name}: not a readable sdist archive ({reason})") from None

    def __enter__(self) -> "Sdist":
        return self

    def __exit__(self, *exc: object) -> None:
        self._archive.close()

    def _add(self, name: str, read: Callable[[], bytes]) -> None:
        parts = posixpath.normpath(name).split("/")
        if len(parts) < 2 or parts[0] in ("", "..") or ".." in parts:
            return  # only files inside the one top directory; never outside it
        self._members["/".join(parts[1:])] = read

    @property
    def names(self) -> list[str]:
        return sorted(self._members)

    def read_text(self, name: str) -> str:
        return self._members[name]().decode("utf-8", errors="replace")

    def read_bytes(self, name: str) -> bytes:
        return self._members[name]()

    def config_files(self, catalogue: Catalogue) -> dict[str, str]:
        """The files requirements and pytest options are read from."""
        wanted = {"pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini", ".pytest.ini", "PKG-INFO", *catalogue.requirement_files}
        names = self._members
        wanted |= {
            n for n in names
            if n.startswith("requirements/") or n.endswith(".egg-info/requires.txt")
            or re.match(r"(requirements|test-requirements)[^/]*\.(txt|in|pip)$", n)
        }  # fmt: skip
        return {n: self.read_text(n) for n in wanted if n in names}


_TEST_MODULE = re.compile(r"(^|/)(test_[^/]*|[^/]*_test)\.py$")


def _root_data_file(name: str) -> bool:
    """A file at the sdist's root that is not Python: setup.cfg, pyproject.toml, CHANGES.rst…
    Suites read them relative to the source tree (click globs `*.cfg`, Flask 1.1 opens
    CHANGES.rst). Root `.py` files stay out: a single-module distribution's source lives
    there (flask_httpauth.py) and would shadow the installed module."""
    return "/" not in name and not name.endswith((".py", ".pyc", ".so", ".pyd"))


def suite_members(names: Iterable[str], suite: Suite) -> list[str]:
    """The sdist paths to copy: the tests (only the `run` test modules when the suite is a
    subset; support files always), the suite's extra files, the non-Python files at the
    sdist's root and a top-level conftest.py."""
    chosen = []
    for name in names:
        inside = any(name == t or name.startswith(t.rstrip("/") + "/") for t in suite.tests)
        if not (inside or name in suite.files or name == "conftest.py" or _root_data_file(name)):
            continue
        if any(fnmatch.fnmatch(name, pattern) for pattern in suite.exclude):
            continue
        if inside and suite.run and _TEST_MODULE.search(name) and not any(fnmatch.fnmatch(name, p) for p in suite.run):
            continue
        chosen.append(name)
    return chosen


TEST_LAYOUTS = ("tests", "test", "testing")


def locate_tests(names: Iterable[str], suite: Suite) -> tuple[str, ...]:
    """Where the sdist keeps its tests: the catalogue's paths that exist, else the first
    common layout holding test modules (tests/, test/, testing/), else test modules at the
    root (Flask-SocketIO's test_socketio.py); () when it ships none."""
    names = list(names)

    def holds(path: str) -> bool:
        return any(n == path or n.startswith(path.rstrip("/") + "/") for n in names)

    present = tuple(t for t in suite.tests if holds(t))
    if present:
        return present
    for layout in TEST_LAYOUTS:
        if any(n.startswith(layout + "/") and _TEST_MODULE.search(n) for n in names):
            return (layout,)
    return tuple(n for n in names if "/" not in n and _TEST_MODULE.search(n))


def extract(sdist: Sdist, members: Iterable[str], target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    root = target.resolve()
    for name in members:
        dest = (target / name).resolve()
        if root not in dest.parents:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(sdist.read_bytes(name))
