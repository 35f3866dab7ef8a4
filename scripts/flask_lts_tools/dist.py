"""Build the installer package `flask-lts` of one channel (sdist and wheel) into dist/.

The metadata comes from the channel file and its constraints (`metadata`): the
version names the channel, Requires-Dist keeps the core and every extra inside
its frozen series and at least at the tested patch, Requires-Python is the
channel's range. The package carries the channel's facts as JSON and its
constraints files (`source_tree`). `build` (pypa/build, hatchling) makes the files,
reproducibly (SOURCE_DATE_EPOCH = the channel's release date, a pinned backend),
and `twine check --strict` checks them before they are moved into place.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import shutil
import string
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from packaging.requirements import Requirement
from packaging.utils import NormalizedName
from packaging.version import Version

from ._exceptions import DistError
from .channel import Channel, in_series
from .constraints import Pin, pins_for, python_range_marker, read_pins
from . import _layout as layout

DISTRIBUTION = "flask-lts"
PACKAGE = "flask_lts"
DATA_FORMAT = 1  # flask_lts._data.FORMAT
BUILD_TIMEOUT = 600
# sys.platform values the installed package may run on; Linux is the base of channel.json's pins.
_OTHER_PLATFORMS = {"win32": "AMD64", "darwin": "arm64"}
_STATUS_CLASSIFIER = {
    "preview": "Development Status :: 4 - Beta",
    "supported": "Development Status :: 5 - Production/Stable",
    "security-only": "Development Status :: 5 - Production/Stable",
    "end-of-life": "Development Status :: 7 - Inactive",
}



# -- metadata (pure) ---------------------------------------------------------------


def installer_version(channel: Channel) -> str:
    """`2024.<serial>`; a preview channel is a pre-release, `2028.0a<serial>`, which plain pip skips."""
    if channel.status == "preview":
        return f"{channel.name}.0a{channel.serial}"
    return f"{channel.name}.{channel.serial}"


def requires_python(channel: Channel) -> str:
    """From the oldest claimed Python to just past the newest: an unverified Python gets no channel
    (the 2024 set does not even build on 3.13 without its declared exceptions)."""
    lowest, highest = channel.pythons[0], channel.pythons[-1]
    major, minor = highest.split(".")
    return f">={lowest},<{major}.{int(minor) + 1}"


def classifiers(channel: Channel) -> list[str]:
    return [
        _STATUS_CLASSIFIER[channel.status],
        "Environment :: Web Environment",
        "Framework :: Flask",
        "Intended Audience :: Developers",
        "Operating System :: OS Independent",
        "Programming Language :: Python",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        *(f"Programming Language :: Python :: {python}" for python in channel.pythons),
        "Programming Language :: Python :: Implementation :: CPython",
        "Topic :: Internet :: WWW/HTTP :: WSGI :: Application",
        "Topic :: Software Development :: Libraries :: Application Frameworks",
    ]


def _pins_by_python(channel: Channel, pins: Sequence[Pin]) -> dict[str, dict[NormalizedName, Pin]]:
    return {python: pins_for(pins, python) for python in channel.pythons}


def package_requirements(channel: Channel, by_python: dict[str, dict[NormalizedName, Pin]], package: str) -> list[str]:
    """`Flask>=3.0.3,==3.0.*`: inside the series, at least the tested pin; one line per run of
    Pythons where series or pin differ, with python_version markers."""
    columns = []
    for python in channel.pythons:
        pin = by_python[python].get(package)  # type: ignore[call-overload]
        if pin is None:
            raise DistError(
                f"{package} is in channel {channel.name} but has no pin for Python {python} in its constraints; "
                f"run make resolve CHANNEL={channel.name}"
            )
        series = channel.allowed_series(package, python)
        if series is None or not in_series(pin.version, series):
            raise DistError(
                f"{package}=={pin.version} (Python {python}) is outside its series {series}.*; "
                f"the constraints are stale: run make resolve CHANNEL={channel.name}"
            )
        # A backported build (3.0.6+lts2024.1) is pinned by the constraints file; the floor is its public release.
        columns.append((series, Version(pin.version).public))
    lines = []
    start = 0
    name = channel.display_name(package)
    while start < len(columns):
        stop = start
        while stop < len(columns) and columns[stop] == columns[start]:
            stop += 1
        series, version = columns[start]
        marker = python_range_marker(channel.pythons, start, stop)
        text = f"{name}>={version},=={series}.*" + (f" ; {marker}" if marker else "")
        Requirement(text)  # packaging checks what we wrote
        lines.append(text)
        start = stop
    return lines


def requirements(channel: Channel, pins: Sequence[Pin]) -> tuple[list[str], dict[str, list[str]]]:
    """(Requires-Dist of the core, {extra: its Requires-Dist}) with `all` naming every extra's packages."""
    by_python = _pins_by_python(channel, pins)
    core = [line for package in channel.core for line in package_requirements(channel, by_python, package)]
    extras = {
        extra: [line for package in packages for line in package_requirements(channel, by_python, package)]
        for extra, packages in channel.extras.items()
    }
    everything: list[str] = []
    for extra in channel.all_extras:
        everything.extend(line for line in extras[extra] if line not in everything)
    extras["all"] = everything
    return core, extras


def channel_data(channel: Channel, pins: Sequence[Pin], files: dict[str, object]) -> dict[str, object]:
    """The channel's facts for the installed package (flask_lts/data/channel.json): plain JSON,
    markers already evaluated, so the command line needs neither packaging nor a parser."""
    linux = {python: {p.name: p.version for p in pins_for(pins, python).values()} for python in channel.pythons}
    platform_pins: dict[str, dict[str, dict[str, str]]] = {}
    for platform, machine in _OTHER_PLATFORMS.items():
        for python in channel.pythons:
            there = {p.name: p.version for p in pins_for(pins, python, platform, machine).values()}
            diff = {name: version for name, version in there.items() if linux[python].get(name) != version}
            if diff:
                platform_pins.setdefault(platform, {})[python] = diff
    series_by_python: dict[str, dict[str, str]] = {}
    for package, series in channel.series.items():
        for python in channel.pythons:
            allowed = channel.allowed_series(package, python)
            if allowed != series:
                series_by_python.setdefault(package, {})[python] = allowed or ""
    return {
        "format": DATA_FORMAT,
        "name": channel.name,
        "version": installer_version(channel),
        "serial": channel.serial,
        "status": channel.status,
        "summary": channel.summary,
        "freeze_date": channel.freeze_date.isoformat(),
        "release_date": channel.release_date.isoformat(),
        "bugfix_until": channel.bugfix_until.isoformat(),
        "security_until": channel.security_until.isoformat(),
        "pythons": list(channel.pythons),
        "planned_pythons": list(channel.planned_pythons),
        "default_python": channel.default_python,
        "core": list(channel.core),
        "extras": {extra: list(packages) for extra, packages in channel.extras.items()},
        "all_extras": list(channel.all_extras),
        "series": dict(channel.series),
        "series_by_python": series_by_python,
        "pins": linux,
        "platform_pins": platform_pins,
        "display_names": {name: channel.display_name(name) for name in channel.series},
        "files": files,
    }


# -- the source tree handed to the build backend ------------------------------------------------


def _toml(value: object) -> str:
    """A TOML string or array of strings (JSON's escapes are TOML's)."""
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + "".join(f"    {json.dumps(v)},\n" for v in value) + "]"
    return json.dumps(value)


@dataclass
class Staged:
    """A ready-to-build source tree of the installer for one channel."""

    root: Path
    version: str
    core: list[str]
    extras: dict[str, list[str]]
    data_files: list[str] = field(default_factory=list)


def _constraints_files(channel: Channel, constraints_dir: Path) -> dict[str, Path]:
    """Bundled name -> source file: the merged plain and hashed files and one plain file per Python."""
    files = {
        layout.constraints_name(channel.name): layout.constraints_file(channel.name, constraints_dir),
        layout.hashed_constraints_name(channel.name): layout.hashed_constraints_file(channel.name, constraints_dir),
    }
    for python in channel.pythons:
        files[layout.per_python_name(python)] = layout.per_python_file(channel.name, python, constraints_dir=constraints_dir)
    for path in files.values():
        if not path.is_file():
            raise DistError(f"{path}: missing; run make resolve CHANNEL={channel.name} first")
        serial = re.search(r"\(serial ([^)\s]+)\)", path.read_text(encoding="utf-8")[:4000])
        if serial and serial.group(1) != channel.version:
            raise DistError(
                f"{path} was made for serial {serial.group(1)}, but channels/{channel.name}.toml is at "
                f"{channel.version}; run make resolve CHANNEL={channel.name}"
            )
    return files


def source_tree(channel: Channel, constraints_dir: Path, installer_dir: Path, dest: Path) -> Staged:
    """Write the installer's source tree for `channel` into `dest` (which must not exist)."""
    source = installer_dir / "src" / PACKAGE
    if not (source / "__main__.py").is_file():
        raise DistError(f"{source}: the installer package source is missing")
    pins = read_pins(layout.constraints_file(channel.name, constraints_dir))
    files = _constraints_files(channel, constraints_dir)
    core, extras = requirements(channel, pins)
    version = installer_version(channel)

    package = dest / "src" / PACKAGE
    shutil.copytree(source, package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "data"))
    data = package / "data"
    data.mkdir()
    for name, path in files.items():
        shutil.copyfile(path, data / name)
    file_names = {
        "merged": layout.constraints_name(channel.name),
        "merged_hashes": layout.hashed_constraints_name(channel.name),
        "by_python": {python: layout.per_python_name(python) for python in channel.pythons},
    }
    facts = channel_data(channel, pins, file_names)
    (data / "channel.json").write_text(json.dumps(facts, indent=1) + "\n", encoding="utf-8")

    optional = "\n".join(f"{json.dumps(extra)} = {_toml(lines)}" for extra, lines in extras.items())
    values = {
        "channel": channel.name,
        "version": _toml(version),
        "description": _toml(
            f"Flask LTS {channel.name}: Flask, its dependencies and extensions frozen to tested release series "
            f"(security fixes until {channel.security_until})"
        ),
        "requires_python": _toml(requires_python(channel)),
        "classifiers": _toml(classifiers(channel)),
        "dependencies": _toml(core),
        "optional_dependencies": optional,
        "channel_url": _toml(f"https://github.com/flask-lts/flask-lts/blob/main/channels/{channel.name}.toml"),
    }
    pyproject = string.Template((installer_dir / "pyproject.toml.in").read_text(encoding="utf-8")).substitute(values)
    from ._toml import tomllib

    tomllib.loads(pyproject)  # a template mistake fails here, not in the backend
    (dest / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (dest / "README.md").write_text(readme(channel, installer_dir, pins, version), encoding="utf-8")
    shutil.copyfile(installer_dir / "LICENSE", dest / "LICENSE")
    # The same modes on every machine, whatever the umask.
    for path in [dest, *dest.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return Staged(dest, version, core, extras, sorted(p.name for p in data.iterdir()))


def readme(channel: Channel, installer_dir: Path, pins: Sequence[Pin], version: str) -> str:
    """The per-channel README (the package's long description) from installer/README.md.in."""
    shown = pins_for(pins, channel.default_python)

    def pinned(package: str) -> str:
        pin = shown.get(package)  # type: ignore[call-overload]
        return f"{channel.display_name(package)} {pin.version if pin else '-'}"

    rows = [f"| `{extra}` | {', '.join(pinned(p) for p in packages)} |" for extra, packages in channel.extras.items()]
    preview = (
        f"\n**Preview**: this channel is not released yet. Its versions are pre-releases, which pip "
        f'installs only when asked: `pip install --pre "flask-lts=={channel.name}.*"`.\n'
        if channel.status == "preview"
        else ""
    )
    values = {
        "display": f"Flask LTS {channel.name}",
        "version": version,
        "channel": channel.name,
        "spec": f"=={channel.name}.*" if channel.status == "preview" else f"~={channel.name}.0",
        "pre": "--pre " if channel.status == "preview" else "",
        "preview_note": preview,
        "status": channel.status,
        "release_date": channel.release_date.isoformat(),
        "bugfix_until": channel.bugfix_until.isoformat(),
        "security_until": channel.security_until.isoformat(),
        "pythons": ", ".join(channel.pythons),
        "default_python": channel.default_python,
        "extras_table": "\n".join(rows) + "\n| `all` | every extra above |",
        "core_line": ", ".join(pinned(p) for p in channel.core),
    }
    return string.Template((installer_dir / "README.md.in").read_text(encoding="utf-8")).substitute(values)


# -- build ------------------------------------------------------------------------------------


def source_date_epoch(channel: Channel) -> int:
    """Timestamps inside the files: the channel's release date, midnight UTC."""
    moment = _dt.datetime.combine(channel.release_date, _dt.time(0, 0), tzinfo=_dt.timezone.utc)
    return int(moment.timestamp())


def dist_filenames(version: str) -> tuple[str, str]:
    """(sdist, wheel) file names of flask-lts at `version`, as the backend names them."""
    normalized = str(Version(version))
    return f"{PACKAGE}-{normalized}.tar.gz", f"{PACKAGE}-{normalized}-py3-none-any.whl"


def twine_check(paths: Sequence[Path]) -> None:
    from .venvs import run

    outcome = run([sys.executable, "-m", "twine", "check", "--strict", *map(str, paths)], timeout=300)
    if not outcome.ok:
        raise DistError(f"twine check --strict failed:\n{outcome.tail(40)}")


def build(
    channel: Channel,
    constraints_dir: Path,
    installer_dir: Path,
    out_dir: Path,
    log: Callable[[str], None] = lambda message: None,
) -> list[Path]:
    """Build, check, and move the sdist and wheel of `channel` into `out_dir`."""
    from .venvs import run

    with tempfile.TemporaryDirectory(prefix=f"flask-lts-dist-{channel.name}-") as tmp:
        staged = source_tree(channel, constraints_dir, installer_dir, Path(tmp) / "src")
        log(f"staged flask-lts {staged.version}: {len(staged.core)} core requirements, "
            f"{len(staged.extras)} extras, data {', '.join(staged.data_files)}")  # fmt: skip
        built = Path(tmp) / "out"
        env = {"SOURCE_DATE_EPOCH": str(source_date_epoch(channel))}
        outcome = run([sys.executable, "-m", "build", "--outdir", str(built), str(staged.root)], BUILD_TIMEOUT, env=env)
        if not outcome.ok:
            raise DistError(f"python -m build failed for channel {channel.name}:\n{outcome.tail(40)}")
        expected = [built / name for name in dist_filenames(staged.version)]
        missing = [p.name for p in expected if not p.is_file()]
        if missing:
            found = ", ".join(p.name for p in built.iterdir())
            raise DistError(f"the build did not make {', '.join(missing)} (it made: {found})")
        log(f"built in {outcome.seconds:.1f}s; twine check --strict")
        twine_check(expected)
        out_dir.mkdir(parents=True, exist_ok=True)
        final = []
        for path in expected:
            target = out_dir / path.name
            # Copy next to the target, then rename: dist/ never holds a half-written file.
            partial = out_dir / f".{path.name}.partial"
            shutil.copyfile(path, partial)
            os.replace(partial, target)
            final.append(target)
    return final
