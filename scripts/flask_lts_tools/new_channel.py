"""Propose a channel file from a freeze date: the series rule, applied by a script.

Rule: the channel claims every CPython released on or before the freeze date and
not end-of-life on it. For each package take the newest release series published
before the freeze date that supports all of the channel's Pythons and works with
the rest of the set. "Works with the rest of the set" is the resolver's job: the
whole catalogue is resolved as the index stood on the freeze date (uv's
--exclude-newer) for the oldest claimed Python, and each package's series is the
series of the version chosen. Where that is older than the newest series
published before the freeze, the proposal says so, for the reviewer.
"""

from __future__ import annotations

import datetime as _dt
import subprocess
import tempfile
from pathlib import Path
from typing import Callable, Sequence

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from . import index
from ._exceptions import ChannelError, ResolutionError
from ._resources import GROUPS, PYTHON_LIFECYCLE, python_lifecycle
from ._toml import tomllib
from .constraints import Pin, environment, parse_pins
from .pythons import find_interpreters, parse_python_options
from .toolenv import uv_bin, uv_environ

Log = Callable[[str], None]


def lifecycle_pythons(freeze: _dt.date, path: Path = PYTHON_LIFECYCLE) -> list[str]:
    """Every CPython released on or before `freeze` and not end-of-life on it."""
    data = python_lifecycle(path)
    chosen = [v for v, d in data.items() if d["released"] <= freeze < d["end-of-life"]]
    return sorted(chosen, key=Version)


def series_of(version: str) -> str:
    release = Version(version).release
    return ".".join(str(p) for p in release[:2]) if len(release) >= 2 else str(release[0])


def compile_as_of(seeds: Sequence[str], freeze: _dt.date, python: str, interpreter: Path | None, universal: bool) -> list[Pin]:
    """The seeds resolved as the package index stood at the end of `freeze` (uv --exclude-newer)."""
    with tempfile.TemporaryDirectory(prefix="flask-lts-new-channel-") as tmp:
        infile = Path(tmp) / "seeds.in"
        infile.write_text("\n".join(seeds) + "\n")
        cmd = [
            uv_bin(), "pip", "compile", "--quiet", "--no-header", "--no-annotate",
            "--exclude-newer", (freeze + _dt.timedelta(days=1)).isoformat(),
            "--python-version", python, "--index-url", index.index_url(),
            "--output-file", str(Path(tmp) / "out.txt"), str(infile),
        ]  # fmt: skip
        if universal:
            cmd.insert(3, "--universal")
        if interpreter is not None:
            cmd += ["--python", str(interpreter)]
        env = uv_environ()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
        except subprocess.TimeoutExpired:
            raise ResolutionError("new-channel: uv did not finish within 600s") from None
        if proc.returncode != 0:
            raise ResolutionError(
                f"new-channel: the catalogue does not resolve as of {freeze} on Python {python}: "
                + " | ".join(proc.stderr.strip().splitlines()[-8:])
                + "; leave the conflicting extension out of the catalogue (--groups) and record why"
            )
        return parse_pins((Path(tmp) / "out.txt").read_text(), "uv output")


def newest_series_before(name: str, freeze: _dt.date, pythons: Sequence[str]) -> str | None:
    """Newest series with a release before `freeze` whose release then supports every Python."""
    cutoff = _dt.datetime.combine(freeze, _dt.time.max, tzinfo=_dt.timezone.utc)
    best: Version | None = None
    for release in index.project(name).releases.values():
        if release.yanked or release.version.is_prerelease or release.uploaded is None or release.uploaded > cutoff:
            continue
        spec = release.requires_python
        if spec is not None and not all(spec.contains(f"{p}.0") for p in pythons):
            continue
        if best is None or release.version > best:
            best = release.version
    return series_of(str(best)) if best else None


def _quote(key: str) -> str:
    return key if key.replace("-", "").replace("_", "").isalnum() else f'"{key}"'


def propose(
    name: str,
    freeze: _dt.date,
    groups_file: Path | None = None,
    python_explicit: Sequence[str] = (),
    log: Log = print,
) -> str:
    """The text of a proposed channels/<name>.toml, for a human to review."""
    groups = tomllib.loads((groups_file or GROUPS).read_text())
    try:
        core = list(groups["core"])
        extras: dict[str, list[str]] = dict(groups["extras"])
    except KeyError as exc:
        raise ChannelError(f"{groups_file}: missing key {exc}; it needs core = [...] and [extras]") from None
    pythons = lifecycle_pythons(freeze)
    found, skipped = find_interpreters(pythons, parse_python_options(python_explicit))
    claimed = [p for p in pythons if p in found]
    planned = [p for p in pythons if p not in found]
    for version, reasons in skipped.items():
        log(f"Python {version}: not on this machine, recorded as planned ({reasons[0]})")
    if not claimed:
        raise ResolutionError(f"new-channel: none of Python {', '.join(pythons)} is on this machine; pass --python")
    lowest = claimed[0]
    log(f"Pythons in support on {freeze}: {', '.join(pythons)}; resolving for {lowest} as of {freeze}")
    seeds = core + [p for packages in extras.values() for p in packages]
    pins = {p.name: p for p in compile_as_of(seeds, freeze, lowest, found[lowest].path, universal=False)}
    universal = compile_as_of(seeds, freeze, lowest, found[lowest].path, universal=True)
    for pin in universal:
        if pin.name not in pins and any(pin.applies(environment(p, plat)) for p in claimed for plat in ("linux", "win32", "darwin")):
            pins[pin.name] = Pin(pin.name, pin.version)
    log(f"resolved {len(pins)} packages; checking release dates on the package index")
    index.projects(sorted(pins))

    display = {canonicalize_name(p): p for p in seeds}
    top = {canonicalize_name(p) for p in seeds}
    notes: dict[NormalizedName, str] = {}
    for pkg, pin in pins.items():
        newest = newest_series_before(pkg, freeze, claimed)
        if newest and Version(newest) > Version(series_of(pin.version)):
            notes[pkg] = f"newest series before the freeze is {newest}; held back by the rest of the set"

    def line(pkg: NormalizedName) -> str:
        pin = pins[pkg]
        comment = f"  # {notes[pkg]}" if pkg in notes else f"  # {pin.version} on {freeze}"
        return f"{_quote(display.get(pkg, pkg))} = \"{series_of(pin.version)}\"{comment}"

    release = freeze + _dt.timedelta(days=31)
    out = [
        f"# Flask LTS {name}: proposed by `flask-lts-tools new-channel {name} --freeze-date {freeze}`.",
        "# Review every series, add [[exceptions]] and [[omitted]] entries where verification",
        "# demands them, then: make resolve CHANNEL=" + name,
        "",
        "[channel]",
        f'name = "{name}"',
        'status = "preview"',
        f"freeze-date = {freeze}",
        f"release-date = {release}",
        f"bugfix-until = {release.replace(year=release.year + 2)}",
        f"security-until = {release.replace(year=release.year + 3)}",
        "serial = 0",
        "",
        "[python]",
        "supported = [" + ", ".join(f'"{p}"' for p in claimed) + "]",
        "planned = [" + ", ".join(f'"{p}"' for p in planned) + "]",
        f'default = "{claimed[-1]}"',
        "",
        "[core]",
        *(line(canonicalize_name(p)) for p in core),
        "",
        "[extras]",
        "all = [" + ", ".join(f'"{e}"' for e in extras) + "]",
    ]
    for extra, packages in extras.items():
        out += ["", f"[extras.{extra}]", *(line(canonicalize_name(p)) for p in packages)]
    out += ["", "# Transitive dependencies, frozen too.", "[dependencies]"]
    out += [line(pkg) for pkg in sorted(pins) if pkg not in top]
    return "\n".join(out) + "\n"
