"""What the site shows of one channel, gathered from its files: the pages and the API read only this.

Pins come from the channel's newest published serial (the bytes its URLs serve), the
verification matrix from `reports/<channel>/py<X.Y>.json`, the canaries from
`reports/canaries/<channel>/py<X.Y>.json`, advisories from the audit, the serials'
history from `constraints/<channel>/CHANGES.md`.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from packaging.utils import NormalizedName

from ..audit import AdvisoryDatabase, audit
from ..channel import Channel
from ..constraints import Pin, environment, read_pins
from ..docker import IMAGE, newest_supported
from ..verify.stages import stage_names
from ._archive import PublishedSerial
from ._canaries import CanaryTable, read_canary_tables

# Where a pin applies is probed on these platforms: a line whose marker names a
# platform (colorama on win32) applies on none of the Linux ones.
_PROBES = (("linux", "x86_64"), ("linux", "aarch64"), ("win32", "AMD64"), ("darwin", "arm64"))
INSTALLER = "flask-lts"


@dataclass(frozen=True)
class PinRow:
    """One package of the channel: its frozen series and its pinned version on each Python."""

    name: NormalizedName
    display: str
    series: str | None
    by_python: tuple[tuple[str, str | None], ...]  # (python, version or None)
    platform_marker: str | None = None  # set when the pin applies only on some platforms
    exception: str | None = None  # reason, when a declared exception moves its series

    @property
    def runs(self) -> list[tuple[str | None, list[str]]]:
        """(version, Pythons) for each run of consecutive Pythons with the same pin."""
        runs: list[tuple[str | None, list[str]]] = []
        for python, version in self.by_python:
            if runs and runs[-1][0] == version:
                runs[-1][1].append(python)
            else:
                runs.append((version, [python]))
        return runs

    @property
    def differs(self) -> bool:
        return len(self.runs) > 1


@dataclass(frozen=True)
class PinGroup:
    title: str
    extra: str | None
    rows: tuple[PinRow, ...]


@dataclass(frozen=True)
class StageCell:
    status: str  # pass | fail | error | skip | "not run" (the report has no such stage)
    seconds: float | None = None
    problems: int = 0
    warnings: int = 0


@dataclass(frozen=True)
class Verification:
    """The newest verification report of one Python, or `status == "not verified"`."""

    python: str
    status: str
    started: str | None = None
    interpreter: str | None = None
    seconds: float | None = None
    cells: tuple[tuple[str, StageCell], ...] = ()
    problems: tuple[str, ...] = ()
    problem_count: int = 0

    def cell(self, stage: str) -> StageCell | None:
        """The stage's result; None when there is no report at all."""
        return dict(self.cells).get(stage)


@dataclass(frozen=True)
class ChangelogEntry:
    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class ChannelView:
    channel: Channel
    serials: tuple[PublishedSerial, ...]  # newest first
    latest_date: _dt.date
    groups: tuple[PinGroup, ...]
    verifications: tuple[Verification, ...]
    audit: dict[str, Any] | None  # AuditReport.to_dict(), or None without a database
    changelog: tuple[ChangelogEntry, ...]
    docker_tags: tuple[tuple[str, str], ...]  # (tag, what it is)
    install_extras: str
    canaries: tuple[CanaryTable, ...] = ()  # one per Python with a canary report

    @property
    def latest(self) -> PublishedSerial:
        return self.serials[0]

    @property
    def name(self) -> str:
        return self.channel.name


# -- pins -----------------------------------------------------------------------


def _pin_rows(channel: Channel, pins: Sequence[Pin], names: Sequence[NormalizedName]) -> tuple[PinRow, ...]:
    rows = []
    for name in names:
        lines = [p for p in pins if p.name == name]
        by_python = []
        platform_marker = None
        for python in channel.pythons:
            linux = [p for p in lines if p.applies(environment(python, "linux", "x86_64"))]
            anywhere = [p for p in lines if any(p.applies(environment(python, *probe)) for probe in _PROBES)]
            chosen = linux or anywhere
            if anywhere and not linux:
                platform_marker = str(anywhere[0].marker)
            by_python.append((python, chosen[0].version if chosen else None))
        reasons = [e.reason for e in channel.exceptions if e.package == name]
        rows.append(
            PinRow(
                name=name,
                display=channel.display_name(name),
                series=channel.series.get(name),
                by_python=tuple(by_python),
                platform_marker=platform_marker,
                exception=" ".join(reasons) or None,
            )
        )
    return tuple(rows)


def pin_groups(channel: Channel, pins: Sequence[Pin]) -> tuple[PinGroup, ...]:
    """Core, each extra, the frozen dependencies, then any other pinned package."""
    groups = [PinGroup("Core", None, _pin_rows(channel, pins, list(channel.core)))]
    for extra, packages in channel.extras.items():
        groups.append(PinGroup(f"Extra [{extra}]", extra, _pin_rows(channel, pins, list(packages))))
    groups.append(PinGroup("Dependencies", None, _pin_rows(channel, pins, sorted(channel.dependencies))))
    other = sorted({p.name for p in pins} - set(channel.series))
    if other:
        groups.append(PinGroup("Other pinned packages", None, _pin_rows(channel, pins, other)))
    return tuple(g for g in groups if g.rows)


# -- verification ---------------------------------------------------------------------


def _first_line(text: str, limit: int = 240) -> str:
    stripped = text.strip()
    line = stripped.splitlines()[0] if stripped else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def read_verification(reports_dir: Path, channel: Channel, python: str) -> Verification:
    path = reports_dir / channel.name / f"py{python}.json"
    if not path.is_file():
        return Verification(python, "not verified")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Verification(python, "unreadable report")
    if not isinstance(data, dict) or data.get("schema") != 1 or not isinstance(data.get("stages"), list):
        return Verification(python, "unreadable report")
    stages = {s.get("name"): s for s in data["stages"] if isinstance(s, dict)}
    cells = []
    problems: list[str] = []
    count = 0
    for name in stage_names():
        stage = stages.get(name)
        if stage is None:
            cells.append((name, StageCell("not run")))
            continue
        stage_problems = stage.get("problems") or []
        count += len(stage_problems)
        for problem in stage_problems:
            where = " ".join(str(problem.get(k)) for k in ("package", "module", "test") if problem.get(k))
            message = _first_line(str(problem.get("message", "")))
            problems.append(f"{name}: {where + ': ' if where else ''}{message}")
        cells.append(
            (name, StageCell(str(stage.get("status")), stage.get("seconds"), len(stage_problems), len(stage.get("warnings") or [])))
        )
    return Verification(
        python=python,
        status=str(data.get("status")),
        started=str(data.get("started", ""))[:10] or None,
        interpreter=data.get("interpreter"),
        seconds=data.get("seconds"),
        cells=tuple(cells),
        problems=tuple(problems[:8]),
        problem_count=count,
    )


# -- changelog ----------------------------------------------------------------------


def read_changelog(path: Path) -> tuple[ChangelogEntry, ...]:
    """The `## <version> (<date>)` entries `make refresh` writes, newest first."""
    if not path.is_file():
        return ()
    entries: list[ChangelogEntry] = []
    title: str | None = None
    items: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            if title is not None:
                entries.append(ChangelogEntry(title, tuple(items)))
            title, items = line[3:].strip(), []
        elif title is not None and line.strip():
            text = line.strip()
            if text.startswith(("- ", "* ")):
                items.append(text[2:])
            elif items:
                items[-1] += " " + text
            else:
                items.append(text)
    if title is not None:
        entries.append(ChangelogEntry(title, tuple(items)))
    return tuple(entries)


# -- docker and installer -------------------------------------------------------------


def docker_tags(channel: Channel, channels: Sequence[Channel]) -> tuple[tuple[str, str], ...]:
    """The image tags docker.plan gives a channel: per Python, its default Python, `latest`."""
    if channel.status == "end-of-life":
        return ()
    latest = newest_supported([c for c in channels if c.status != "end-of-life"])
    tags = []
    for python in channel.pythons:
        tags.append((f"{IMAGE}:{channel.name}-py{python}", f"Python {python}, newest serial"))
    tags.append((f"{IMAGE}:{channel.version}-py{channel.default_python}", f"serial {channel.version} exactly"))
    tags.append((f"{IMAGE}:{channel.name}", f"default Python {channel.default_python}"))
    if latest is not None and latest.name == channel.name:
        tags.append((f"{IMAGE}:latest", "the newest supported channel"))
    return tuple(tags)


def install_extras(channel: Channel) -> str:
    """The extras the page's example installs: login and sqlalchemy when the channel has them."""
    preferred = [e for e in ("login", "sqlalchemy") if e in channel.extras]
    return ",".join(preferred or list(channel.extras)[:1])


# -- one channel ------------------------------------------------------------------


def channel_view(
    channel: Channel,
    channels: Sequence[Channel],
    serials: Sequence[PublishedSerial],
    constraints_dir: Path,
    reports_dir: Path,
    db: AdvisoryDatabase | None,
    today: _dt.date,
) -> ChannelView:
    latest = max(serials, key=lambda s: s.serial)
    pins = read_pins(latest.merged)
    made_on = latest.made_on()
    report = None
    if db is not None:
        report = audit(channel, pins, db, today, constraints=f"{latest.channel}/{latest.version}/{latest.merged.name}").to_dict()
        report.pop("notes", None)  # they name local paths; the page says the same from the data
        report["database"].pop("sources", None)
    return ChannelView(
        channel=channel,
        serials=tuple(sorted(serials, key=lambda s: -s.serial)),
        latest_date=max(made_on, channel.release_date) if made_on else channel.release_date,
        groups=pin_groups(channel, pins),
        verifications=tuple(read_verification(reports_dir, channel, p) for p in channel.pythons),
        audit=report,
        changelog=read_changelog(constraints_dir / channel.name / "CHANGES.md"),
        docker_tags=docker_tags(channel, channels),
        install_extras=install_extras(channel),
        canaries=read_canary_tables(channel.name, reports_dir),
    )
