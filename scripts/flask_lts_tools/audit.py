"""Audit a channel's pins against known vulnerabilities (OSV advisories, offline and online).

`audit(channel, pins, db, today) -> AuditReport` is the heart: for every pin and every
advisory affecting it, where a fix lies (inside the pin's frozen series, outside it, none)
and the channel's recorded decision about it (`[[advisories]]` in the channel file: fixed
in series, backport, exception, not affected, accepted), and whether that decision holds
today. A finding without a decision, with an expired one, with one that does not hold, or
with one not applied yet (pending) blocks: the audit fails, and no new serial is archived
or published (`refuse_unless_clean`). See docs/audit.md.
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
from ._exceptions import AuditGateError, ChannelError, ConstraintsError
from .advisories import age_notes
from ._osv import (
    Advisory,
    AdvisoryDatabase,
    AdvisoryDatabaseError,
    OnlineLookup,
    load_advisories,
    query_osv_online,
)
from .channel import EXPIRING_DECISIONS, PATCH_PENDING, AdvisoryDecision, Channel, in_series
from .constraints import Pin, environment, read_pins
from . import _layout as layout

__all__ = [
    "AdvisoryDatabase",
    "AdvisoryDatabaseError",
    "AuditReport",
    "DecisionState",
    "Finding",
    "OnlineLookup",
    "advisories_affecting",
    "audit",
    "changes_fix",
    "format_table",
    "load_advisories",
    "query_osv_online",
    "refuse_unless_clean",
]

SCHEMA = "flask-lts-audit/2"
STATUSES = ("undecided", "decision-invalid", "expired", "pending", "backported", "not-affected", "accepted")
BLOCKING = frozenset({"undecided", "decision-invalid", "expired", "pending"})
# A pin's marker may name a platform (colorama on win32): probe one machine of each.
_PLATFORM_PROBES = (("linux", "x86_64"), ("win32", "AMD64"), ("darwin", "arm64"))


@dataclass(frozen=True)
class Finding:
    """One advisory affecting one pin, where its fix lies, and the channel's decision about it."""

    package: NormalizedName
    version: str
    marker: str | None
    series: tuple[str, ...]
    advisory: Advisory
    fixed: tuple[str, ...]
    fixed_in_series: str | None
    fixed_outside_series: tuple[str, ...]
    status: str  # one of STATUSES
    decision: AdvisoryDecision | None = None
    note: str | None = None  # why the decision does not hold, or what a pending one waits for

    @property
    def fix(self) -> str:
        """Where the lowest usable fix lies: "in-series", "outside-series" or "none"."""
        if self.fixed_in_series:
            return "in-series"
        return "outside-series" if self.fixed_outside_series else "none"

    @property
    def blocking(self) -> bool:
        return self.status in BLOCKING

    @property
    def backport_pending(self) -> bool:
        return self.status == "pending" and self.decision is not None and self.decision.decision == "backport"

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
            "decision": decision_dict(self.decision) if self.decision else None,
            "note": self.note,
        }


@dataclass(frozen=True)
class DecisionState:
    """A decision of the channel file and what became of it on the audit's day."""

    decision: AdvisoryDecision
    # "active" (covers findings and holds), "pending", "invalid", "expired", "resolved" (a fix
    # decision whose advisory no longer affects a pin: done, kept as the record), "unused"
    # (a not-affected or accepted decision that covers nothing: remove it)
    state: str


@dataclass(frozen=True)
class AuditReport:
    channel: str
    constraints: str
    today: _dt.date
    pins: int
    advisories: int
    sources: tuple[str, ...]
    findings: tuple[Finding, ...]
    decisions: tuple[DecisionState, ...]
    notes: tuple[str, ...] = ()

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def pending_backports(self) -> list[Finding]:
        return [f for f in self.findings if f.backport_pending]

    @property
    def exit_code(self) -> int:
        """0 when every finding has a decision that holds and is applied (or lives until its expiry); 1 otherwise."""
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
                        "findings": len(self.findings), "blocking": len(self.blocking),
                        "pending_backports": len(self.pending_backports), **counts},
            "findings": [f.to_dict() for f in self.findings],
            "decisions": [{**decision_dict(d.decision), "state": d.state} for d in self.decisions],
            "notes": list(self.notes),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"


def decision_dict(d: AdvisoryDecision) -> dict[str, Any]:
    return {"id": d.id, "package": d.package, "decision": d.decision, "reason": d.reason,
            "evidence": list(d.evidence), "decided": d.decided.isoformat(), "by": d.by,
            "expires": d.expires.isoformat() if d.expires else None, "version": d.version, "patch": d.patch}


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


def check_decisions_known(channel: Channel, db: AdvisoryDatabase) -> None:
    """Every decision names an advisory of the data (by id or alias) for its package; else ChannelError."""
    for d in channel.decisions:
        if any(d.id in a.names for a in db.for_package(d.package)):
            continue
        others = sorted({e.package for a in db.named(d.id) for e in a.affected})
        if others:
            raise ChannelError(f"{d.where} id: {d.id} is an advisory of {', '.join(others)}, not of {d.package}; "
                               "correct the package")
        raise ChannelError(f"{d.where} id: {d.id} is not in the advisory data ({', '.join(db.sources) or 'no source'}) "
                           f"as an id or alias of a {d.package} record; correct the id, or run make advisories "
                           "if the advisory is newer than the data (a withdrawn advisory needs no decision: remove it)")


def _decision_for(channel: Channel, package: str, advisory: Advisory) -> AdvisoryDecision | None:
    matches = [d for d in channel.decisions if d.package == package and d.id in advisory.names]
    if len(matches) > 1:
        where = " and ".join(d.where for d in matches)
        raise ChannelError(f"{where}: two decisions for one advisory ({advisory.id}, known as "
                           f"{', '.join(sorted(advisory.names))}); keep one")
    return matches[0] if matches else None


def published_builds(channel: Channel) -> dict[tuple[str, str], dict]:
    """The channel's published backport builds (`packages/<channel>/`, beside its channels folder):
    (package, version) -> the build's record, which lists the patches (advisories) it carries."""
    from .backports._published import published_builds as records

    packages = channel.path.parent.parent / layout.PACKAGES
    return {(r["package"], r["version"]): r for r in records(channel.name, packages)}


def _carried(record: dict, advisory: Advisory) -> dict | None:
    """The patch of a published build that fixes this advisory (by id or alias), if any."""
    return next((p for p in record["patches"] if advisory.names & {p["advisory"], *p.get("aliases", ())}), None)


def _judge_backport(
    d: AdvisoryDecision, pin: Pin, advisory: Advisory, channel: Channel, root: Path, builds: dict[tuple[str, str], dict],
) -> tuple[str, str | None]:  # fmt: skip
    """A backport decision whose version is inside the pin's series: backported only when the pin
    is the build, the build is published, and its record carries a patch for this advisory."""
    folder = layout.packages_folder(channel.name, layout.PACKAGES)
    record = builds.get((pin.name, str(d.version)))
    patch = _carried(record, advisory) if record is not None else None
    if Version(pin.version) == Version(str(d.version)):
        if d.patch == PATCH_PENDING:
            return "decision-invalid", f"the pin is the backport build {d.version} but its patch is \"pending\"; name the patch file"
        if record is None:
            return "decision-invalid", (f"the pin is {d.version} but {folder}/ publishes no such build; "
                                        f"flask-lts-tools backport publish {channel.name}")
        if patch is None:
            return "decision-invalid", (f"the build {d.version} carries no patch for {advisory.id} "
                                        f"(its patches: {', '.join(p['advisory'] for p in record['patches'])}); bump the revision and rebuild")
        return "backported", f"patch {patch['name']} in {d.version} ({folder}/{pin.name}-{d.version}.json)"
    if d.patch == PATCH_PENDING:
        return "pending", f"backport to {d.version} being made (patch pending)"
    if patch is not None:
        return "pending", f"build {d.version} is published ({folder}/) with patch {patch['name']}: make refresh CHANNEL={channel.name} pins it"
    return "pending", f"patch {d.patch} ready: build {d.version} into the channel's index and resolve"


def _judge(
    d: AdvisoryDecision | None, pin: Pin, series: tuple[str, ...], advisory: Advisory, channel: Channel,
    today: _dt.date, root: Path, builds: dict[tuple[str, str], dict] | None = None,
) -> tuple[str, str | None]:  # fmt: skip
    """(status, note) of one finding under its decision."""
    if d is None:
        return "undecided", None
    if d.decision in EXPIRING_DECISIONS:
        assert d.expires is not None
        if today >= d.expires:
            return "expired", f"{d.decision} until {d.expires}: expired; decide again (renew with a new reason, or fix)"
        return d.decision, None
    assert d.version is not None
    version, pinned = Version(d.version), Version(pin.version)
    inside = any(in_series(version, s) for s in series)
    if d.decision == "backport":
        if not inside:
            return "decision-invalid", f"{d.version} is not inside the series {', '.join(series)} of this pin"
        if d.patch != PATCH_PENDING and not (root / str(d.patch)).is_file():
            return "decision-invalid", f"patch {d.patch} does not exist; add it, or write patch = \"{PATCH_PENDING}\""
        return _judge_backport(d, pin, advisory, channel, root, published_builds(channel) if builds is None else builds)
    if advisory.affects(pin.name, version):
        return "decision-invalid", f"{d.version} is itself affected by {advisory.id}"
    if version <= pinned:
        return "decision-invalid", f"{d.version} is not newer than the pin {pin.version}"
    if d.decision == "fixed-in-series":
        if not inside:
            return "decision-invalid", f"{d.version} is not inside the series {', '.join(series)} of this pin; an exception moves the series"
        held = [h for h in channel.held if h.package == pin.name and Version(h.refused) == version]
        if held:
            return "decision-invalid", (f"{d.version} is held (refused for regressing {', '.join(held[0].canaries)}): "
                                        "refresh will not take it; decide a backport, or lift the hold")
        return "pending", f"make refresh CHANNEL={channel.name} takes {d.version} (after verify and the canaries)"
    # exception
    if inside:
        return "pending", f"[[exceptions]] admits {d.version}: make refresh CHANNEL={channel.name} takes it"
    return "pending", (f"verify the set with {pin.name} {d.version} (make verify, make canaries), then declare "
                       f"[[exceptions]] for its series in {channel.path}")


def audit(
    channel: Channel,
    pins: Iterable[Pin],
    db: AdvisoryDatabase,
    today: _dt.date,
    *,
    constraints: str = "",
    notes: Sequence[str] = (),
) -> AuditReport:
    """Check every pin against every advisory and each finding against the channel's decision about it."""
    check_decisions_known(channel, db)
    root = channel.path.parent.parent  # patch paths are relative to the repository
    builds = published_builds(channel)
    pins = list(pins)
    findings: list[Finding] = []
    for pin in pins:
        series = _series_of(pin, channel)
        pinned = Version(pin.version)
        for advisory in advisories_affecting(db, pin.name, pin.version):
            fixes = [v for v in advisory.fixed(pin.name) if v > pinned and not advisory.affects(pin.name, v)]
            inside = [v for v in fixes if any(in_series(v, s) for s in series)]
            outside = tuple(str(v) for v in fixes if v not in inside)
            decision = _decision_for(channel, pin.name, advisory)
            status, note = _judge(decision, pin, series, advisory, channel, today, root, builds)
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
                    decision=decision,
                    note=note,
                )
            )
    findings.sort(key=lambda f: (f.package, Version(f.version), f.advisory.id))
    states = []
    extra_notes = list(notes)
    for d in channel.decisions:
        covered = {f.status for f in findings if f.decision == d}
        if not covered:
            state = "unused" if d.decision in EXPIRING_DECISIONS else "resolved"
        else:
            state = next((s for status, s in (("decision-invalid", "invalid"), ("expired", "expired"), ("pending", "pending"))
                          if status in covered), "active")  # fmt: skip
        states.append(DecisionState(d, state))
        if state == "unused":
            extra_notes.append(f"{d.decision} decision {d.id} ({d.package}) matches no advisory affecting a pin; "
                               f"remove it from {channel.path}")
    return AuditReport(
        channel=channel.name,
        constraints=constraints,
        today=today,
        pins=len(pins),
        advisories=len(db),
        sources=tuple(db.sources),
        findings=tuple(findings),
        decisions=tuple(states),
        notes=tuple(extra_notes),
    )


BACKPORT_STAGES = ("being made", "patched, to build and publish", "built and published, for the next serial to pin")


def backport_stage(finding: Finding) -> str:
    """Where a pending backport stands: its patch is being made, the patch is there and the
    build is not published yet, or the build is published and waits for a serial to pin it."""
    if finding.decision is None or finding.decision.patch == PATCH_PENDING:
        return BACKPORT_STAGES[0]
    return BACKPORT_STAGES[2] if finding.note and " is published " in finding.note else BACKPORT_STAGES[1]


def blocking_counts(report: AuditReport) -> str:
    """What blocks, in a few words: "3 undecided, 4 pending (2 backports being made)"."""
    parts = []
    for status in ("undecided", "decision-invalid", "expired", "pending"):
        count = sum(f.status == status for f in report.findings)
        if count:
            label = {"decision-invalid": "with a decision that does not hold", "expired": "with an expired decision"}.get(status, status)
            parts.append(f"{count} {label}")
    stages = [backport_stage(f) for f in report.pending_backports]
    notes = [f"{n} backport{'s' if n != 1 else ''} {label}" for label in BACKPORT_STAGES if (n := stages.count(label))]
    if notes:
        parts[-1] += f" ({', '.join(notes)})"
    return ", ".join(parts)


def refuse_unless_clean(report: AuditReport, what: str) -> None:
    """The gate: AuditGateError unless the channel's audit passes (`what`: "archive serial 2024.2")."""
    if report.exit_code:
        raise AuditGateError(
            f"channel {report.channel}: cannot {what} while its audit fails ({blocking_counts(report)}); "
            f"see make audit CHANNEL={report.channel}"
        )


# -- output -----------------------------------------------------------------------


def _cves(advisory: Advisory) -> str:
    cves = [a for a in advisory.aliases if a.startswith("CVE-")]
    return ", ".join(cves or advisory.aliases[:1]) or "-"


def decision_text(d: AdvisoryDecision | None) -> str:
    """A decision in a few words: "backport 3.0.6+lts2024.1 (patch pending)", "accepted until 2027-03-31"."""
    if d is None:
        return "-"
    if d.decision in EXPIRING_DECISIONS:
        return f"{d.decision} until {d.expires}"
    if d.decision == "backport":
        return f"backport {d.version}" + (" (patch pending)" if d.patch == PATCH_PENDING else "")
    return f"{d.decision} {d.version}"


def format_table(report: AuditReport) -> str:
    """The report for a terminal: one table row per finding, then details, decisions, notes, verdict."""
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
                         ", ".join(f.fixed) or "-", f.fixed_in_series or "-", decision_text(f.decision),
                         f.status.upper() if f.blocking else f.status])
        out += markdown_table(["package", "pin", "advisory", "aliases", "affected", "fixed", "fix in series", "decision", "status"],
                              rows).splitlines()
        out += ["", "Advisories:"]
        seen: set[tuple[str, str]] = set()
        for f in report.findings:
            if (f.package, f.advisory.id) not in seen:
                seen.add((f.package, f.advisory.id))
                out += [f"  {f.advisory.id} ({f.package}): {f.advisory.summary}", f"      {f.advisory.url}"]
                if f.note:
                    out.append(f"      {f.status}: {f.note}")
    else:
        out.append("No advisory affects a pin.")
    if report.decisions:
        out += ["", "Decisions (channel file):"]
        for state in report.decisions:
            d = state.decision
            until = f", expires {d.expires}" if d.expires else ""
            out.append(f"  {d.id} ({d.package}) {decision_text(d)} [{state.state}]: {d.reason} "
                       f"[decided {d.decided} by {d.by}{until}]")
            out += [f"      evidence: {e}" for e in d.evidence]
    pending = report.pending_backports
    if pending:
        out += ["", f"Pending backports ({len(pending)}; they block publishing until built and pinned by a serial):"]
        out += [
            f"  {f.package} {f.version} -> {f.decision.version}: {f.advisory.id}"
            f" ({backport_stage(f)})"
            for f in pending if f.decision
        ]  # fmt: skip
    if report.notes:
        out += ["", "Notes:", *(f"  {n}" for n in report.notes)]
    out += ["", _verdict(report)]
    return "\n".join(out) + "\n"


def _verdict(report: AuditReport) -> str:
    blocking = report.blocking
    if not blocking:
        decided = len(report.findings)
        return f"OK: {decided} finding(s), each with a decision that holds" if decided else "OK: no known advisory affects a pin"
    parts = []
    undecided = [f for f in blocking if f.status == "undecided"]
    for fix, advice in (
        ("in-series", "fixed inside the series: decide fixed-in-series and make refresh"),
        ("outside-series", "fixed only outside the series: decide backport or exception"),
        ("none", "no fixed version: decide not-affected or accepted (with a reason and an expiry), or drop the package"),
    ):
        count = sum(f.fix == fix for f in undecided)
        if count:
            parts.append(f"{count} undecided, {advice}")
    for status, advice in (
        ("decision-invalid", "with a decision that does not hold: correct it"),
        ("expired", "with an expired decision: decide again"),
    ):
        count = sum(f.status == status for f in blocking)
        if count:
            parts.append(f"{count} {advice}")
    pending = [f for f in blocking if f.status == "pending"]
    if pending:
        kinds = {k: sum(f.decision is not None and f.decision.decision == k for f in pending) for k in ("backport", "fixed-in-series", "exception")}
        stages = [backport_stage(f) for f in pending if f.backport_pending]
        what = ", ".join(
            [f"{n} backport(s) {label}" for label in BACKPORT_STAGES if (n := stages.count(label))]
            + [f"{n} {label}" for k, label in (("fixed-in-series", "refresh(es) to take"), ("exception", "exception(s) to verify and apply")) if (n := kinds[k])]
        )  # fmt: skip
        parts.append(f"{len(pending)} decided but pending ({what})")
    return f"FAIL: {len(blocking)} finding(s) block: " + "; ".join(parts)


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
