"""Constraints files: the pinned sets users install with `pip install -c`.

Reading (`read_pins`), merging per-Python resolutions into one file with
environment markers (`merge`), the marker-exclusivity check that keeps pip
from silently backtracking to ancient releases (`check_exclusive`), and the
constraints_writer owns the output format.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from ._exceptions import ConstraintsError


@dataclass(frozen=True)
class Pin:
    """One `name==version [; marker]` line, with its hashes and who pulls it in."""

    name: NormalizedName
    version: str
    marker: Marker | None = None
    hashes: tuple[str, ...] = ()
    via: tuple[str, ...] = ()
    # `name[extra]==version` in a requirements file (pip-compile keeps what was asked for):
    # what installs with it; never written into constraints, where pip rejects extras
    extras: tuple[str, ...] = ()

    def applies(self, environment: Mapping[str, str]) -> bool:
        return self.marker is None or self.marker.evaluate(dict(environment))

    def requirement(self) -> str:
        text = f"{self.name}=={self.version}"
        return f"{text} ; {self.marker}" if self.marker is not None else text


# -- reading ---------------------------------------------------------------

_HASH = re.compile(r"--hash[= ](\S+)")


def _logical_lines(text: str) -> Iterable[tuple[int, str, list[str]]]:
    """(first line number, requirement text, trailing comment lines) per logical line."""
    buffer = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not buffer:
            start = number
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        buffer += line
        yield start, buffer, []
        buffer = ""
    if buffer:
        yield start, buffer, []


_INDEX_LINE = re.compile(r"--extra-index-url (https?://\S+)")


def index_urls(text: str) -> list[str]:
    """The `--extra-index-url` lines of a constraints file: the channel's own index, which serves
    its backported builds (docs/backports.md); `parse_pins` reads past them."""
    return [m.group(1) for line in text.splitlines() if (m := _INDEX_LINE.fullmatch(line.strip()))]


def parse_pins(text: str, source: str = "<text>", extras: bool = False) -> list[Pin]:
    """Parse pip-compile / pip-freeze / constraints text; every line must pin with ==.
    `extras`: a requirements file's `name[extra]==version` is read (Pin.extras) rather than
    refused, as constraints refuse it."""
    pins: list[Pin] = []
    last: Pin | None = None
    in_via = False
    for number, line, _ in _logical_lines(text):
        stripped = line.strip()
        if stripped.startswith("#"):
            # pip-compile annotations: "# via x" or "# via" then "#   x" lines.
            body = stripped.lstrip("#").strip()
            if last is not None and line.startswith((" ", "\t")):
                if body.startswith("via"):
                    rest = body[3:].strip()
                    in_via = True
                    if rest:  # "# via a, b" (pip-compile, uv --annotation-style line)
                        last = replace(last, via=last.via + tuple(v.strip() for v in rest.split(",") if v.strip()))
                        pins[-1] = last
                elif in_via and body:
                    last = replace(last, via=last.via + (body,))
                    pins[-1] = last
            continue
        in_via = False
        if not stripped:
            continue
        hashes = tuple(sorted(_HASH.findall(stripped)))
        req_text = _HASH.sub("", stripped)
        req_text = re.sub(r"\s+#.*$", "", req_text).strip()
        if _INDEX_LINE.fullmatch(req_text):
            continue  # a channel's own package index, for its backported builds (docs/backports.md); no pin
        if req_text.startswith("-"):
            raise ConstraintsError(
                f"{source}:{number}: option line {req_text.split()[0]!r} is not allowed; "
                "a pinned set holds only name==version lines"
            )
        try:
            req = Requirement(req_text)
        except InvalidRequirement as exc:
            raise ConstraintsError(f"{source}:{number}: not a requirement ({exc}); write name==version") from None
        specs = list(req.specifier)
        if req.url or len(specs) != 1 or specs[0].operator not in ("==", "===") or specs[0].version.endswith(".*"):
            raise ConstraintsError(
                f"{source}:{number}: {req_text!r} is not pinned; every line must be name==version"
            )
        if req.extras and not extras:
            raise ConstraintsError(
                f"{source}:{number}: {req_text!r} carries extras, which pip rejects in constraints; drop [...]"
            )
        try:
            Version(specs[0].version)
        except InvalidVersion:
            raise ConstraintsError(f"{source}:{number}: {specs[0].version!r} is not a valid version") from None
        last = Pin(canonicalize_name(req.name), specs[0].version, req.marker, hashes, extras=tuple(sorted(req.extras)))
        pins.append(last)
    return pins


def read_pins(path: str | Path, extras: bool = False) -> list[Pin]:
    """Read a constraints, requirements or `pip freeze` file of pinned lines (`extras`: as
    parse_pins)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConstraintsError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise ConstraintsError(f"{path}: not a text file (expected UTF-8 name==version lines)") from None
    return parse_pins(text, str(path), extras)


def pins_for(pins: Sequence[Pin], python: str, platform: str = "linux", machine: str = "x86_64") -> dict[NormalizedName, Pin]:
    """The pins that apply on one Python (and platform), keyed by name; overlaps are an error."""
    env = environment(python, platform, machine)
    chosen: dict[NormalizedName, Pin] = {}
    for pin in pins:
        if pin.applies(env):
            if pin.name in chosen:
                raise ConstraintsError(f"{pin.name}: two lines apply on Python {python}: overlapping markers")
            chosen[pin.name] = pin
    return chosen


# -- markers -----------------------------------------------------------------

_PLATFORMS = {
    "linux": ("x86_64", "aarch64"),
    "win32": ("AMD64", "ARM64"),
    "darwin": ("x86_64", "arm64"),
}


def environment(python: str, platform: str = "linux", machine: str = "x86_64") -> dict[str, str]:
    """A marker environment for CPython `python` on one platform."""
    return {
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "implementation_version": f"{python}.0",
        "sys_platform": platform,
        "platform_system": {"linux": "Linux", "win32": "Windows", "darwin": "Darwin"}[platform],
        "os_name": "nt" if platform == "win32" else "posix",
        "platform_machine": machine,
        "platform_release": "",
        "platform_version": "",
        "extra": "",
    }


def _all_environments(pythons: Iterable[str]) -> Iterable[dict[str, str]]:
    for python in pythons:
        for platform, machines in _PLATFORMS.items():
            for machine in machines:
                yield environment(python, platform, machine)


def check_exclusive(pins: Sequence[Pin], pythons: Sequence[str], source: str = "constraints") -> None:
    """Fail when two lines for one package could both apply: pip would backtrack silently."""
    probe = sorted({*pythons, *(f"3.{minor}" for minor in range(0, 21))}, key=Version)
    by_name: dict[NormalizedName, list[Pin]] = {}
    for pin in pins:
        by_name.setdefault(pin.name, []).append(pin)
    for name, group in by_name.items():
        if len(group) == 1:
            continue
        unmarked = [p for p in group if p.marker is None]
        if unmarked:
            raise ConstraintsError(
                f"{source}: {name} has {len(group)} lines and one has no marker; "
                "lines for one package must have mutually exclusive markers"
            )
        for env in _all_environments(probe):
            hits = [p for p in group if p.applies(env)]
            if len(hits) > 1:
                raise ConstraintsError(
                    f"{source}: {name} lines overlap on Python {env['python_version']} "
                    f"({env['sys_platform']}/{env['platform_machine']}): "
                    + " and ".join(p.requirement() for p in hits)
                    + "; pip would backtrack to old releases"
                )


def python_range_marker(pythons: Sequence[str], start: int, stop: int) -> Marker | None:
    """Marker for the contiguous run pythons[start:stop], open-ended at both extremes."""
    parts = []
    if start > 0:
        parts.append(f'python_version >= "{pythons[start]}"')
    if stop < len(pythons):
        parts.append(f'python_version < "{pythons[stop]}"')
    return Marker(" and ".join(parts)) if parts else None


def _and(a: Marker | None, b: Marker | None) -> Marker | None:
    if a is None:
        return b
    if b is None:
        return a
    return Marker(f"({a}) and ({b})")


# -- merging ----------------------------------------------------------------


@dataclass
class Resolution:
    """One Python's resolved set: name -> Pin (without markers)."""

    python: str
    pins: dict[NormalizedName, Pin] = field(default_factory=dict)


def merge(
    resolutions: Sequence[Resolution], extra_platform_pins: Sequence[Pin] = (), fill: bool = True
) -> list[Pin]:
    """One pin list valid on every Python: a package whose pin differs by Python gets
    python_version markers forming contiguous, exclusive ranges.

    With `fill` (constraints files) a Python that does not need a package inherits a
    neighbour's pin, so every package is pinned on every Python and the outer ranges
    are open-ended. Without it (requirements files, which install every line) a line
    applies only where the package was resolved.
    `extra_platform_pins` are packages that only other platforms need (found by a
    universal resolution); they keep their own markers.
    """
    pythons = [r.python for r in resolutions]
    names = sorted({n for r in resolutions for n in r.pins})
    merged: list[Pin] = []
    for name in names:
        column = [r.pins.get(name) for r in resolutions]
        # Pythons that do not need the package inherit a neighbour's pin, so that
        # the ranges cover every Python and stay exclusive.
        filled = list(column)
        for i in range(1, len(filled) if fill else 0):
            if filled[i] is None:
                filled[i] = filled[i - 1]
        for i in range(len(filled) - 2 if fill else -1, -1, -1):
            if filled[i] is None:
                filled[i] = filled[i + 1]
        index = 0
        for version, run in itertools.groupby(filled, key=lambda p: p.version if p else None):
            run_list = list(run)
            stop = index + len(run_list)
            if version is None:
                index = stop
                continue
            present = [p for p in column[index:stop] if p is not None]
            hashes = tuple(sorted({h for p in present for h in p.hashes} or {h for p in run_list for h in p.hashes}))
            via = tuple(sorted({v for p in present for v in p.via}))
            merged.append(Pin(name, version, python_range_marker(pythons, index, stop), hashes, via))
            index = stop
    known = {p.name for p in merged}
    for pin in extra_platform_pins:
        if pin.name not in known:
            merged.append(pin)
    merged.sort(key=lambda p: p.name)  # stable: within a package, oldest Pythons first
    check_exclusive(merged, pythons)
    return merged
