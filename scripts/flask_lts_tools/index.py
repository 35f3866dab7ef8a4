"""The package index, as pip is configured to reach it: JSON API for release facts."""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from ._exceptions import PackageIndexError
from ._files import sha256

TIMEOUT = 30
DOWNLOAD_TIMEOUT = 120


@dataclass(frozen=True)
class File:
    """One file of a release, as the index lists it."""

    filename: str
    url: str  # absolute
    sha256: str | None
    packagetype: str  # "sdist", "bdist_wheel", ...
    uploaded: _dt.datetime | None
    yanked: bool


@dataclass(frozen=True)
class Release:
    version: Version
    uploaded: _dt.datetime | None  # earliest file upload
    requires_python: SpecifierSet | None
    yanked: bool
    yanked_reason: str | None
    files: tuple[File, ...] = ()

    @property
    def sdist(self) -> File | None:
        """The release's sdist (an unyanked one if there is any), or None."""
        sdists = sorted((f for f in self.files if f.packagetype == "sdist"), key=lambda f: f.yanked)
        return sdists[0] if sdists else None

    @property
    def pure_wheel(self) -> File | None:
        """The release's pure-Python wheel (`py3-none-any`; an unyanked one if any), or None."""
        wheels = sorted((f for f in self.files if f.filename.endswith(".whl") and _pure_python(f.filename)), key=lambda f: f.yanked)
        return wheels[0] if wheels else None


def _pure_python(filename: str) -> bool:
    try:
        tags = parse_wheel_filename(filename)[3]
    except InvalidWheelFilename:
        return False
    return any(t.interpreter.startswith("py3") and t.abi == "none" and t.platform == "any" for t in tags)


@dataclass(frozen=True)
class Project:
    name: str
    releases: dict[str, Release]

    def in_series(self, series: str, include_yanked: bool = False) -> list[Release]:
        spec = SpecifierSet(f"=={series}.*")
        return sorted(
            (r for r in self.releases.values() if spec.contains(r.version) and (include_yanked or not r.yanked)),
            key=lambda r: r.version,
        )


@lru_cache(maxsize=1)
def index_url() -> str:
    """The simple index URL pip uses here: PIP_INDEX_URL, pip's configuration, else pip's default."""
    if os.environ.get("PIP_INDEX_URL"):
        return os.environ["PIP_INDEX_URL"].split()[0]
    try:
        out = subprocess.run(
            [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, timeout=60
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        out = ""
    for scope in ("install", "global", ":env:"):
        match = re.search(rf"^{re.escape(scope)}\.index-url='([^']+)'", out, re.M)
        if match:
            return match.group(1)
    from pip._internal.models.index import PyPI  # pip's own default, never spelled out here

    return PyPI.simple_url


def json_api_base(simple_url: str | None = None) -> str:
    """Where `<base>/<name>/json` answers: FLASK_LTS_JSON_API, else the index's /pypi.

    A local pypiserver serves `/<name>/json` at its root: set FLASK_LTS_JSON_API to it.
    """
    if os.environ.get("FLASK_LTS_JSON_API") and simple_url is None:
        return os.environ["FLASK_LTS_JSON_API"].rstrip("/")
    url = (simple_url or index_url()).rstrip("/")
    if url.endswith("/simple"):
        return url[: -len("/simple")] + "/pypi"
    raise PackageIndexError(
        f"the package index {url} has no /simple suffix, so its JSON API location is unknown; "
        "set PIP_INDEX_URL to an index that serves /pypi/<name>/json"
    )


def _parse_time(text: str | None) -> _dt.datetime | None:
    if not text:
        return None
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def parse_project(name: str, data: dict, url: str = "") -> Project:
    """Release facts from the JSON API answer fetched at `url` (file URLs are made absolute)."""
    releases: dict[str, Release] = {}
    for version_text, files in data.get("releases", {}).items():
        try:
            version = Version(version_text)
        except InvalidVersion:
            continue
        if not files:
            continue
        uploads = [t for t in (_parse_time(f.get("upload_time_iso_8601")) for f in files) if t]
        requires = None
        for f in files:
            if f.get("requires_python"):
                try:
                    requires = SpecifierSet(f["requires_python"])
                except InvalidSpecifier:
                    requires = None
                break
        yanked = all(f.get("yanked") for f in files)
        reason = next((f.get("yanked_reason") for f in files if f.get("yanked_reason")), None)
        listed = tuple(
            File(
                f.get("filename", ""), urllib.parse.urljoin(url, f.get("url", "")), (f.get("digests") or {}).get("sha256"),
                f.get("packagetype", ""), _parse_time(f.get("upload_time_iso_8601")), bool(f.get("yanked")),
            )
            for f in files
        )  # fmt: skip
        releases[str(version)] = Release(version, min(uploads) if uploads else None, requires, yanked, reason, listed)
    return Project(data.get("info", {}).get("name", name), releases)


_cache: dict[str, Project] = {}


def project(name: str, timeout: float = TIMEOUT) -> Project:
    """Release facts of one project; PackageIndexError if unknown or the index is unreachable."""
    key = canonicalize_name(name)
    if key in _cache:
        return _cache[key]
    url = f"{json_api_base()}/{key}/json"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise PackageIndexError(f"package {name!r} does not exist on the package index; check its spelling") from None
        raise PackageIndexError(f"the package index answered HTTP {exc.code} for {name!r}; try again later") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PackageIndexError(
            f"the package index is unreachable ({reason}); check the network and pip's index configuration"
        ) from None
    result = parse_project(name, data, url)
    _cache[key] = result
    return result


def download(entry: File, cache: Path, timeout: float = DOWNLOAD_TIMEOUT) -> Path:
    """One file of a release into `cache`, checked against the index's sha256 (kept when it
    is there already and matches); PackageIndexError if it cannot be fetched or differs."""
    if not entry.sha256:
        raise PackageIndexError(f"the index gives no sha256 for {entry.filename}; refusing an unchecked file")
    filename = Path(entry.filename).name
    target = cache / filename
    if target.exists() and sha256(target) == entry.sha256:
        return target
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".{filename}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        with urllib.request.urlopen(entry.url, timeout=timeout) as response, open(tmp, "wb") as out:
            shutil.copyfileobj(response, out)
        if sha256(tmp) != entry.sha256:
            raise PackageIndexError(f"{filename}: sha256 differs from the index's {entry.sha256}; not using it")
        os.replace(tmp, target)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise PackageIndexError(f"could not download {entry.url} ({getattr(exc, 'reason', exc)})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return target


def projects(names: Iterable[str], workers: int = 16) -> dict[str, Project]:
    names = list(names)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(names, pool.map(project, names)))
