"""Audit a channel's pins against known vulnerabilities (OSV advisories, offline and online).

`audit(channel, pins, db, today) -> AuditReport` is the heart: for every pin and every
advisory affecting it, whether a fixed version exists inside the pin's frozen series
(then `make refresh` fixes it) or only outside it (then the channel needs a declared
exception or an accepted risk). Accepted risks are data in the channel file and
expire; an expired one no longer counts. See docs/audit.md.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from packaging.utils import NormalizedName
from packaging.version import Version

from ._output import markdown_table
from ._exceptions import ConstraintsError
from .advisories import age_notes
from ._osv import (
    Advisory,
    AdvisoryDatabase,
    AdvisoryDatabaseError,
    OnlineLookup,
    load_advisories,
    query_osv_online,
)
from .channel import AcceptedRisk, Channel, in_series
from .constraints import Pin, environment, read_pins
from . import _layout as layout

__all__ = [
    "AdvisoryDatabase",
    "AdvisoryDatabaseError",
    "AuditReport",
    "Finding",
    "OnlineLookup",
    "advisories_affecting",
    "audit",
    "changes_fix",
    "format_table",
    "load_advisories",
    "query_osv_online",
]

SCHEMA = "flask-lts-audit/1"
STATUSES = ("fix-in-series", "fix-outside-series", "no-fix", "accepted", "acceptance-expired")
BLOCKING = frozenset({"fix-in-series", "fix-outside-series", "no-fix", "acceptance-expired"})
# A pin's marker may name a platform (colorama on win32): probe one machine of each.
_PLATFORM_PROBES = (("linux", "x86_64"), ("win32", "AMD64"), ("darwin", "arm64"))


@dataclass(frozen=True)
class Finding:
    """One advisory affecting one pin, and what it takes to get rid of it."""

    package: NormalizedName
    version: str
    marker: str | None
    series: tuple[str, ...]
    advisory: Advisory
    fixed: tuple[str, ...]
    fixed_in_series: str | None
    fixed_outside_series: tuple[str, ...]
    status: str
    acceptance: AcceptedRisk | None = None

    @property
    def fix(self) -> str:
        """Where the lowest usable fix lies: "in-series", "outside-series" or "none"."""
        if self.fixed_in_series:
            return "in-series"
        return "outside-series" if self.fixed_outside_series else "none"

    @property
    def blocking(self) -> bool:
        return self.status in BLOCKING

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "version": self.version,
            "marker": self.marker,
            "series": list(self.series),
            "advisory": {
                "id": self.advisory.id,
                "aliases": list(self.advisory.aliases),
                "summary": self.advisory.summary,
                "url": self.advisory.url,
                "affected": self.advisory.ranges_text(self.package),
                "fixed": list(self.fixed),
                "source": self.advisory.source,
            },
            "fix": self.fix,
            "fixed_in_series": self.fixed_in_series,
            "fixed_outside_series": list(self.fixed_outside_series),
            "status": self.status,
            "blocking": self.blocking,
            "acceptance": _risk_dict(self.acceptance) if self.acceptance else None,
        }


@dataclass(frozen=True)
class AcceptanceState:
    """An accepted risk of the channel file and what became of it on the audit's day."""

    risk: AcceptedRisk
    state: str  # "active" | "expired" | "unused" (matches no finding: the advisory is gone)


@dataclass(frozen=True)
class AuditReport:
    channel: str
    constraints: str
    today: _dt.date
    pins: int
    advisories: int
    sources: tuple[str, ...]
    findings: tuple[Finding, ...]
    acceptances: tuple[AcceptanceState, ...]
    notes: tuple[str, ...] = ()

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def exit_code(self) -> int:
        """0 when no advisory affects a pin or every one is accepted; 1 otherwise."""
        return 1 if self.blocking else 0

    def to_dict(self) -> dict[str, Any]:
        counts = {status: sum(f.status == status for f in self.findings) for status in STATUSES}
        return {
            "schema": SCHEMA,
            "channel": self.channel,
            "constraints": self.constraints,
            "today": self.today.isoformat(),
            "ok": self.exit_code == 0,
            "exit_code": self.exit_code,
            "database": {"sources": list(self.sources), "advisories": self.advisories},
            "summary": {"pins": self.pins, "affected_pins": len({(f.package, f.version) for f in self.findings}),
                        "findings": len(self.findings), "blocking": len(self.blocking), **counts},
            "findings": [f.to_dict() for f in self.findings],
            "accepted_risks": [{**_risk_dict(a.risk), "state": a.state} for a in self.acceptances],
            "notes": list(self.notes),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"


def _risk_dict(risk: AcceptedRisk) -> dict[str, Any]:
    return {"id": risk.id, "package": risk.package, "reason": risk.reason, "decided": risk.decided.isoformat(),
            "by": risk.by, "expires": risk.expires.isoformat()}


# -- the audit ------------------------------------------------------------------


def advisories_affecting(db: AdvisoryDatabase, package: str, version: str) -> list[Advisory]:
    """The advisories of the database that affect `package==version`."""
    return [a for a in db.for_package(package) if a.affects(package, version)]


def changes_fix(db: AdvisoryDatabase, package: str, old_version: str, new_version: str) -> list[str]:
    """Ids of the advisories that affect `old_version` and no longer affect `new_version`."""
    return [a.id for a in advisories_affecting(db, package, old_version) if not a.affects(package, new_version)]


def _series_of(pin: Pin, channel: Channel) -> tuple[str, ...]:
    """The series the pin may lie in, on the channel Pythons its marker selects."""
    pythons = [
        py for py in channel.pythons
        if any(pin.applies(environment(py, platform, machine)) for platform, machine in _PLATFORM_PROBES)
    ] or list(channel.pythons)
    series = {s for py in pythons if (s := channel.allowed_series(pin.name, py))}
    if not series:  # not frozen by the channel: hold it to its own minor series
        series = {".".join(map(str, Version(pin.version).release[:2]))}
    return tuple(sorted(series, key=Version))


def _acceptance(channel: Channel, package: str, advisory: Advisory) -> AcceptedRisk | None:
    matches = [r for r in channel.accepted_risks if r.package == package and r.id in advisory.names]
    return max(matches, key=lambda r: r.expires) if matches else None


def audit(
    channel: Channel,
    pins: Iterable[Pin],
    db: AdvisoryDatabase,
    today: _dt.date,
    *,
    constraints: str = "",
    notes: Sequence[str] = (),
) -> AuditReport:
    """Check every pin against every advisory; an accepted risk counts while today < its expiry date."""
    pins = list(pins)
    findings: list[Finding] = []
    for pin in pins:
        series = _series_of(pin, channel)
        pinned = Version(pin.version)
        for advisory in advisories_affecting(db, pin.name, pin.version):
            fixes = [v for v in advisory.fixed(pin.name) if v > pinned and not advisory.affects(pin.name, v)]
            inside = [v for v in fixes if any(in_series(v, s) for s in series)]
            outside = tuple(str(v) for v in fixes if v not in inside)
            risk = _acceptance(channel, pin.name, advisory)
            if risk is not None:
                status = "accepted" if today < risk.expires else "acceptance-expired"
            else:
                status = "fix-in-series" if inside else ("fix-outside-series" if outside else "no-fix")
            findings.append(
                Finding(
                    package=pin.name,
                    version=pin.version,
                    marker=str(pin.marker) if pin.marker is not None else None,
                    series=series,
                    advisory=advisory,
                    fixed=tuple(str(v) for v in advisory.fixed(pin.name)),
                    fixed_in_series=str(inside[0]) if inside else None,
                    fixed_outside_series=outside,
                    status=status,
                    acceptance=risk,
                )
            )
    findings.sort(key=lambda f: (f.package, Version(f.version), f.advisory.id))
    acceptances = []
    extra_notes = list(notes)
    for risk in channel.accepted_risks:
        used = any(f.acceptance == risk for f in findings)
        state = ("active" if today < risk.expires else "expired") if used else "unused"
        acceptances.append(AcceptanceState(risk, state))
        if state == "unused":
            extra_notes.append(
                f"accepted risk {risk.id} ({risk.package}) matches no advisory affecting a pin; "
                f"remove it from {channel.path}"
            )
    return AuditReport(
        channel=channel.name,
        constraints=constraints,
        today=today,
        pins=len(pins),
        advisories=len(db),
        sources=tuple(db.sources),
        findings=tuple(findings),
        acceptances=tuple(acceptances),
        notes=tuple(extra_notes),
    )


# -- output -----------------------------------------------------------------------


def _cves(advisory: Advisory) -> str:
    cves = [a for a in advisory.aliases if a.startswith("CVE-")]
    return ", ".join(cves or advisory.aliases[:1]) or "-"


def _status_text(finding: Finding) -> str:
    if finding.status == "accepted":
        return f"accepted until {finding.acceptance.expires}"  # type: ignore[union-attr]
    if finding.status == "acceptance-expired":
        return f"acceptance EXPIRED {finding.acceptance.expires}"  # type: ignore[union-attr]
    return finding.status


def format_table(report: AuditReport) -> str:
    """The report for a terminal: one table row per finding, then details, risks, notes, verdict."""
    out = [
        f"flask-lts audit of channel {report.channel} ({report.constraints or 'pins given'}) on {report.today}",
        f"{report.pins} pins checked against {report.advisories} advisories from {', '.join(report.sources) or 'no source'}",
        "",
    ]
    if report.findings:
        rows = []
        for f in report.findings:
            pin = f"{f.version}" + (f" ; {f.marker}" if f.marker else "")
            rows.append([f.package, pin, f.advisory.id, _cves(f.advisory), "; ".join(f.advisory.ranges_text(f.package)),
                         ", ".join(f.fixed) or "-", f.fixed_in_series or "-", _status_text(f)])
        out += markdown_table(["package", "pin", "advisory", "aliases", "affected", "fixed", "fix in series", "status"], rows).splitlines()
        out += ["", "Advisories:"]
        seen: set[tuple[str, str]] = set()
        for f in report.findings:
            if (f.package, f.advisory.id) not in seen:
                seen.add((f.package, f.advisory.id))
                out += [f"  {f.advisory.id} ({f.package}): {f.advisory.summary}", f"      {f.advisory.url}"]
    else:
        out.append("No advisory affects a pin.")
    if report.acceptances:
        out += ["", "Accepted risks (channel file):"]
        for a in report.acceptances:
            r = a.risk
            out.append(f"  {r.id} ({r.package}) {a.state}: {r.reason} [decided {r.decided} by {r.by}, expires {r.expires}]")
    if report.notes:
        out += ["", "Notes:", *(f"  {n}" for n in report.notes)]
    out += ["", _verdict(report)]
    return "\n".join(out) + "\n"


def _verdict(report: AuditReport) -> str:
    blocking = report.blocking
    if not blocking:
        accepted = sum(f.status == "accepted" for f in report.findings)
        return f"OK: {accepted} finding(s), all accepted" if accepted else "OK: no known advisory affects a pin"
    parts = []
    for status, advice in (
        ("fix-in-series", "fixed inside the series: make refresh"),
        ("fix-outside-series", "fixed only outside the series: declare an exception or accept the risk"),
        ("no-fix", "no fixed version yet: accept the risk or drop the package"),
        ("acceptance-expired", "acceptance expired: renew it or fix"),
    ):
        count = sum(f.status == status for f in blocking)
        if count:
            parts.append(f"{count} {advice}")
    return f"FAIL: {len(blocking)} finding(s) need action: " + "; ".join(parts)


def default_advisory_dirs() -> list[Path]:
    """$FLASK_LTS_ADVISORIES (os.pathsep-separated), else the repository's own advisories/."""
    env = os.environ.get("FLASK_LTS_ADVISORIES", "")
    if env.strip():
        return [Path(p) for p in env.split(os.pathsep) if p.strip()]
    own = layout.REPOSITORY_ROOT / layout.ADVISORIES
    if own.is_dir():  # shown relative when run from the repository, as the docs show it
        return [own.relative_to(Path.cwd()) if own.is_relative_to(Path.cwd()) else own]
    return []


def audit_channel(
    channel: Channel, constraints: Path | None, advisory_dirs: Sequence[Path], today: _dt.date,
    online: bool = False, online_timeout: float = 5.0,
) -> AuditReport:  # fmt: skip
    """Audit a channel's constraints file (default: its merged file beside the channels folder)
    against the advisory directories (default: default_advisory_dirs()), and online if asked."""
    constraints = constraints or layout.constraints_file(channel.name, channel.path.parent.parent / layout.CONSTRAINTS)
    if not constraints.is_file():
        raise ConstraintsError(f"{constraints}: no such constraints file; run make resolve CHANNEL={channel.name}")
    pins = read_pins(constraints)
    dirs = list(advisory_dirs) or default_advisory_dirs()
    if not dirs:
        raise AdvisoryDatabaseError(
            "no advisory database: pass --advisories DIR (a directory of OSV records) or set FLASK_LTS_ADVISORIES"
        )
    db = load_advisories(*dirs)
    notes, warnings = age_notes(dirs, today)
    notes += warnings  # "WARNING: ..." lines; the command line also prints them on stderr
    if online:
        lookup = query_osv_online(pins, timeout=online_timeout)
        notes.append(lookup.note)
        if lookup.advisories is not None:
            db.extend(lookup.advisories, "https://api.osv.dev")
    else:
        notes.append("online: not asked (pass --online to also query api.osv.dev)")
    return audit(channel, pins, db, today, constraints=str(constraints), notes=notes)
