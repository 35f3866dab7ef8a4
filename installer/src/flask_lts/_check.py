"""Compare the running environment with the channel: drift, Python, support dates."""

from __future__ import annotations

import datetime as _dt
import sys
from typing import Any, Dict, List, Optional

from ._data import Channel, current_python, normalize

# Exit codes of `flask-lts check`, OR-ed together when several apply
# (2 is left to command-line errors, 3 to other errors).
CLEAN = 0
DRIFT = 1
PYTHON_UNSUPPORTED = 4
END_OF_SUPPORT = 8

# Installation tools, not part of any channel, never reported as outside it.
_TOOLS = {"pip", "setuptools", "wheel", "distribute", "pkg-resources", "flask-lts"}


def installed_distributions(path: Optional[List[str]] = None) -> Dict[str, str]:
    """normalized name -> version of what this interpreter would import (first on sys.path wins)."""
    from importlib.metadata import distributions

    found: Dict[str, str] = {}
    for dist in distributions(path=path if path is not None else sys.path):
        metadata = dist.metadata  # parsed once: dist.version would parse the file again
        name, version = metadata["Name"], metadata["Version"]
        if name and version:
            found.setdefault(normalize(name), version)
    return found


def _version_class() -> Any:
    """packaging's Version where it can be imported (pip vendors it), else None."""
    try:
        from packaging.version import Version
    except ImportError:
        try:
            from pip._vendor.packaging.version import Version  # type: ignore[no-redef]
        except ImportError:
            return None
    return Version


class Drift:
    """A channel package installed at another version than the channel's pin."""

    def __init__(self, name: str, installed: str, pinned: str, series: Optional[str]) -> None:
        self.name = name
        self.installed = installed
        self.pinned = pinned
        self.series = series
        self.in_series: Optional[bool] = None
        self.newer: Optional[bool] = None

    def as_dict(self) -> Dict[str, Any]:
        return {
            "package": self.name,
            "installed": self.installed,
            "pinned": self.pinned,
            "series": self.series,
            "in_series": self.in_series,
            "newer": self.newer,
        }


class Report:
    def __init__(self, channel: Channel, python: str, today: _dt.date) -> None:
        self.channel = channel
        self.python = python
        self.compared_python = channel.compared_python(python)
        self.today = today
        self.status = channel.status_on(today)
        self.days_left = channel.days_left(today)
        self.drift: List[Drift] = []
        self.matching: List[str] = []
        self.outside: List[str] = []

    @property
    def python_supported(self) -> bool:
        return self.channel.supports(self.python)

    @property
    def end_of_support(self) -> bool:
        return self.days_left < 0

    @property
    def exit_code(self) -> int:
        code = CLEAN
        if self.drift:
            code |= DRIFT
        if not self.python_supported:
            code |= PYTHON_UNSUPPORTED
        if self.end_of_support:
            code |= END_OF_SUPPORT
        return code

    def as_dict(self) -> Dict[str, Any]:
        c = self.channel
        return {
            "channel": c.name,
            "version": c.version,
            "status": self.status,
            "today": self.today.isoformat(),
            "bugfix_until": c.bugfix_until.isoformat(),
            "security_until": c.security_until.isoformat(),
            "days_left": self.days_left,
            "end_of_support": self.end_of_support,
            "python": self.python,
            "python_supported": self.python_supported,
            "supported_pythons": c.pythons,
            "compared_with_python": self.compared_python,
            "drift": [d.as_dict() for d in self.drift],
            "matching": len(self.matching),
            "outside_channel": self.outside,
            "exit_code": self.exit_code,
            "clean": self.exit_code == CLEAN,
        }


def check(
    channel: Channel,
    installed: Dict[str, str],
    python: Optional[str] = None,
    platform: str = sys.platform,
    today: Optional[_dt.date] = None,
) -> Report:
    """What in `installed` (normalized name -> version) disagrees with the channel."""
    python = python or current_python()
    report = Report(channel, python, today or _dt.date.today())
    pins = channel.pins_for(python, platform)
    version_class = None
    for name in sorted(installed):
        version = installed[name]
        pinned = pins.get(name)
        if pinned is None:
            if name not in _TOOLS:
                report.outside.append(name)
            continue
        if version == pinned:
            report.matching.append(name)
            continue
        # Text differs: only PEP 440 can tell "1.0" from "1.0.0" (rare, so the import is paid here only).
        version_class = version_class or _version_class()
        drift = Drift(name, version, pinned, channel.series_for(name, python))
        if version_class is not None:
            try:
                ours, theirs = version_class(version), version_class(pinned)
            except ValueError:
                ours = theirs = None
            if ours is not None and ours == theirs:
                report.matching.append(name)
                continue
            if ours is not None and drift.series is not None:
                prefix = tuple(int(p) for p in drift.series.split("."))
                drift.in_series = ours.release[: len(prefix)] == prefix
                drift.newer = ours > theirs
        report.drift.append(drift)
    return report


def render(report: Report) -> str:
    """The human-readable report."""
    c = report.channel
    lines = [f"{c.display} (flask-lts {c.version}), Python {sys.version.split()[0]}"]
    if report.python_supported:
        lines.append(f"ok     Python {report.python} is supported by the channel")
    else:
        lines.append(
            f"FAIL   Python {report.python} is not supported by channel {c.name} "
            f"(supported: {', '.join(c.pythons)}); compared with the pins for {report.compared_python}"
        )
    if report.end_of_support:
        lines.append(
            f"FAIL   channel {c.name} reached its end of support on {c.security_until}: "
            "no more security fixes; move to a newer channel"
        )
    elif report.status == "security-only":
        lines.append(
            f"ok     channel {c.name} is security-only since {c.bugfix_until}; "
            f"security fixes until {c.security_until} ({report.days_left} days left)"
        )
    else:
        lines.append(f"ok     channel {c.name} is {report.status}; supported until {c.security_until} ({report.days_left} days left)")
    if report.drift:
        lines.append(f"FAIL   {len(report.drift)} package(s) of the channel installed at another version:")
        width = max(len(d.name) for d in report.drift)
        for d in report.drift:
            where = ""
            if d.in_series is False:
                where = f"  OUTSIDE series {d.series}.*"
            elif d.in_series and d.newer:
                where = "  newer patch, not yet tested in the channel"
            elif d.in_series:
                where = "  older patch"
            lines.append(f"         {d.name.ljust(width)}  installed {d.installed}, channel pins {d.pinned}{where}")
        lines.append('       fix: pip install -c "$(flask-lts constraints)" ' + " ".join(d.name for d in report.drift))
    lines.append(f"ok     {len(report.matching)} package(s) of the channel at the channel's version")
    if report.outside:
        lines.append(f"info   {len(report.outside)} installed package(s) are not part of the channel: {', '.join(report.outside)}")
    lines.append("clean" if report.exit_code == CLEAN else f"not clean (exit code {report.exit_code})")
    return "\n".join(lines)
