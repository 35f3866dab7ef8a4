"""Refresh a channel: bring in new patch releases inside its frozen series, after
re-verifying the whole set; bump the serial and write the changelog only on success.

`plan(channel, ...) -> RefreshPlan` resolves the candidate (nothing written);
`apply(plan, ...)` verifies it and writes constraints, channel serial and changelog
in one atomic step, or nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
import shutil
import tempfile
import time as _time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from packaging.utils import NormalizedName

from . import index
from .admission import admission_lines
from ._exceptions import PackageIndexError, RefreshError
from .api_diff import FLAG, ApiDifference, api_difference
from ._files import atomic_write_many
from ._output import markdown_table
from .channel import Channel, Hold
from .constraints import Pin, pins_for, read_pins
from .pythons import Interpreter
from .constraints_writer import constraint_files
from .resolve import ChannelResolution, resolve
from . import _layout as layout

Log = Callable[[str], None]



@dataclass(frozen=True)
class PinChange:
    package: NormalizedName
    old: str | None
    new: str | None
    pythons: tuple[str, ...]
    series: str | None
    released: str | None  # upload date of the new release, when the index says
    fixes: tuple[str, ...] = ()  # advisory ids the change fixes
    why: str = ""  # what admitted or forced the change: a hold, the status policy (admission.py)
    api: ApiDifference | None = None  # public API difference old -> new; None when not compared


@dataclass
class RefreshPlan:
    channel: Channel
    resolution: ChannelResolution | None  # None: the index offered nothing new (plan(quick=True))
    changes: list[PinChange]
    yanked: list[str] = field(default_factory=list)  # current pins yanked since
    holds: list[Hold] = field(default_factory=list)  # new holds this refresh records (the canary gate's)
    found_holds: list[Hold] = field(default_factory=list)  # set by apply(): holds that stopped this round

    @property
    def new_channel(self) -> Channel:
        return dataclasses.replace(self.channel, serial=self.channel.serial + 1)


def _per_python(pins: Sequence[Pin], pythons: Sequence[str]) -> dict[str, dict[NormalizedName, Pin]]:
    return {p: pins_for(pins, p) for p in pythons}


def diff(channel: Channel, old: Sequence[Pin], new: Sequence[Pin]) -> list[tuple[NormalizedName, str | None, str | None, tuple[str, ...]]]:
    """(package, old version, new version, Pythons) for every pin that differs on some Python."""
    before = _per_python(old, channel.pythons)
    after = _per_python(new, channel.pythons)
    grouped: dict[tuple[NormalizedName, str | None, str | None], list[str]] = {}
    for python in channel.pythons:
        for name in sorted(set(before[python]) | set(after[python])):
            o = before[python].get(name)
            n = after[python].get(name)
            ov, nv = (o.version if o else None), (n.version if n else None)
            if ov != nv:
                grouped.setdefault((name, ov, nv), []).append(python)
    return [(name, ov, nv, tuple(pys)) for (name, ov, nv), pys in sorted(grouped.items(), key=lambda kv: kv[0][0])]


def _release_date(name: str, version: str | None) -> str | None:
    if version is None:
        return None
    try:
        release = index.project(name).releases.get(version)
    except PackageIndexError:
        return None
    return release.uploaded.date().isoformat() if release and release.uploaded else None


def yanked_pins(pins: Sequence[Pin]) -> list[str]:
    found = []
    for pin in pins:
        release = index.project(pin.name).releases.get(pin.version)
        if release is not None and release.yanked:
            found.append(f"{pin.name}=={pin.version} was yanked" + (f" ({release.yanked_reason})" if release.yanked_reason else ""))
    return sorted(set(found))


def newer_releases(
    channel: Channel, old: Sequence[Pin], interpreters: dict[str, Interpreter], advisories: object | None = None,
    builds: Mapping[str, tuple[str, str, Sequence[str]]] | None = None,
) -> list[str]:  # fmt: skip
    """What the index offers that the pins do not take, as index queries only (no resolution).

    For every pin on every Python: the newest unyanked release inside its series that the
    channel's holds and status admit (admission.py) and whose Requires-Python fits that
    interpreter, or the channel's backport build of that release (`builds`, default: the
    published ones). Empty means a resolution would give the same pins: every pin is already the
    newest admissible release, and the channel names no package that is not pinned. (A
    channel-file edit that only changes extras is not seen here: `make resolve-check` is.)"""
    from packaging.requirements import Requirement
    from packaging.version import Version

    if builds is None:
        from .backports._published import channel_builds

        builds = channel_builds(channel.name)

    names = sorted({p.name for p in old} | set(channel.series))
    index.projects(names)  # one parallel round of queries; cached for what follows
    found: list[str] = []
    pinned_anywhere = {p.name for p in old}
    for name in channel.top_packages():
        if name not in pinned_anywhere:
            found.append(f"{name}: named by the channel but not pinned")
    for python in channel.pythons:
        interpreter = interpreters.get(python)
        full = Version(interpreter.full_version if interpreter else f"{python}.99")
        limits: dict[str, list] = {}
        for admission in admission_lines(channel, python, advisories):
            limits.setdefault(admission.package, []).append(Requirement(admission.line).specifier)
        for name, pin in sorted(pins_for(old, python).items()):
            series = channel.allowed_series(name, python)
            if series is None:
                found.append(f"{name}=={pin.version}: no longer frozen by the channel")
                continue
            admissible = [
                r for r in index.project(name).in_series(series)
                if all(spec.contains(r.version, prereleases=True) for spec in limits.get(name, ()))
                and (r.requires_python is None or r.requires_python.contains(full, prereleases=True))
            ]  # fmt: skip
            newest = str(admissible[-1].version) if admissible else None
            build = builds.get(name)
            if newest is not None and build is not None and build[0] == newest:
                newest = build[1]  # the channel serves its own build of that release: the pin is the build
            if newest != pin.version:
                found.append(f"{name} {pin.version} -> {newest or '(none admissible)'} (Python {python})")
    return list(dict.fromkeys(found))


def plan(
    channel: Channel,
    current: Path,
    interpreters: dict[str, Interpreter],
    tools_root: Path,
    uv: Path | None,
    advisories: object | None = None,
    log: Log = print,
    jobs: int = 2,
    universal: bool = True,
    quick: bool = False,
    api_diff: bool = True,
    api_cache: Path = layout.API_DIFF,
) -> RefreshPlan:
    """Resolve the channel anew (newest release inside each series) and diff it with `current`;
    with `api_diff`, each changed pin also gets the public API difference of its two releases.

    `quick`: ask the index first (newer_releases) and resolve only if it offers anything
    new; otherwise the plan has no changes and no resolution."""
    old = read_pins(current)
    if quick:
        if channel.status == "security-only" and advisories is None:
            from .audit import default_advisory_dirs, load_advisories

            dirs = default_advisory_dirs()
            advisories = load_advisories(*dirs) if dirs else None
        started = _time.monotonic()
        offered = newer_releases(channel, old, interpreters, advisories)
        log(f"index: {len(offered)} newer admissible release(s) for {len({p.name for p in old})} pinned packages ({_time.monotonic() - started:.1f}s)")
        if not offered:
            return RefreshPlan(channel, None, [], yanked_pins(old))
        for line in offered[:10]:
            log(f"new: {line}")
    resolution = resolve(channel, interpreters, tools_root, uv, log, jobs=jobs, advisories=advisories, previous=old, universal=universal)
    changes = []
    for name, ov, nv, pythons in diff(channel, old, resolution.merged):
        fixes: tuple[str, ...] = ()
        if advisories is not None and ov and nv:
            from .audit import changes_fix

            fixes = tuple(changes_fix(advisories, name, ov, nv))
        changes.append(
            PinChange(name, ov, nv, pythons, channel.allowed_series(name, pythons[0]), _release_date(name, nv), fixes, _why(resolution, name))
        )
    if api_diff:
        changes = with_api_differences(changes, api_cache, log)
    return RefreshPlan(channel, resolution, changes, yanked_pins(old))


def with_api_differences(changes: Sequence[PinChange], cache: Path, log: Log = print, workers: int = 3) -> list[PinChange]:
    """The changes, each pin that moved between two releases with its public API difference."""
    from concurrent.futures import ThreadPoolExecutor

    compared = [c for c in changes if c.old and c.new and not is_build_of(c.new, c.old)]
    if not compared:
        return list(changes)
    log(f"public API difference of {len(compared)} changed pin(s)")
    with ThreadPoolExecutor(max_workers=workers) as pool:
        found = dict(zip(compared, pool.map(lambda c: api_difference(c.package, c.old, c.new, cache), compared)))
    for difference in found.values():
        if difference.flag:
            log(f"FLAG: {difference.package} {difference.old} -> {difference.new}: {FLAG} ({', '.join(difference.removed)})")
        elif difference.error:
            log(f"WARNING: {difference.package} {difference.old} -> {difference.new}: API not compared ({difference.error})")
    return [dataclasses.replace(c, api=found[c]) if c in found else c for c in changes]


def _why(resolution: ChannelResolution, package: str) -> str:
    """What admitted or forced this package's move (a hold, the status policy, an exception
    that moves its series: what changes for users), if anything."""
    reasons = [f"{a.line} ({a.reason})" for a in resolution.admissions if a.package == package]
    reasons += [f"exception: series {e.series} ({e.reason})" for e in resolution.channel.exceptions if e.package == package]
    return "; ".join(reasons)


def changes_table(plan: RefreshPlan) -> str:
    if not plan.changes:
        return f"channel {plan.channel.name}: no new release inside any frozen series; nothing to refresh"
    rows = [
        [
            c.package,
            f"{c.old or '(none)'} -> {c.new or '(dropped)'}",
            c.released or "-",
            c.series or "-",
            ", ".join(c.pythons) if len(c.pythons) < len(plan.channel.pythons) else "all",
            ", ".join(c.fixes) or "-",
            c.why or "-",
            _api_cell(c),
        ]
        for c in plan.changes
    ]
    table = markdown_table(["package", "pin", "released", "series", "Python", "fixes", "why", "API"], rows)
    held = [f"held: {h.package} {h.held_at} (refused {h.refused}: regresses {', '.join(h.canaries)}; review {h.review})" for h in plan.channel.held]
    flagged = [
        f"FLAG: {c.package} {c.old} -> {c.new}: {FLAG}: {', '.join(c.api.removed)}"
        for c in plan.changes if c.api is not None and c.api.flag
    ]  # fmt: skip
    return "\n".join([table, *held, *flagged])


def is_build_of(new: str, old: str) -> bool:
    """Whether `new` is a local build of the release `old` (or of the release it builds on):
    a backport, whose whole difference is its patches (docs/backports.md)."""
    from packaging.version import Version

    return Version(new).local is not None and Version(new).public == Version(old).public


def _api_cell(change: PinChange) -> str:
    if change.api is not None:
        return change.api.summary(width=80)
    if change.old and change.new and is_build_of(change.new, change.old):
        return "backport build of the same release: its patches only"
    return "-" if not (change.old and change.new) else "not compared"


_SERIAL = re.compile(r"^(serial\s*=\s*)(\d+)(.*)$", re.M)


def bump_serial_text(text: str, old: int, new: int) -> str:
    """The channel file with its [channel] serial moved from old to new; comments kept."""
    header = re.search(r"^\[channel\]\s*$", text, re.M)
    if header is None:
        raise RefreshError("channel file has no [channel] table")
    rest = text[header.end():]
    nxt = re.search(r"^\[", rest, re.M)
    block = rest[: nxt.start()] if nxt else rest
    match = _SERIAL.search(block)
    if match is None or int(match.group(2)) != old:
        raise RefreshError(f"channel file: serial = {old} not found in [channel]; was the file changed meanwhile?")
    new_block = block[: match.start()] + f"{match.group(1)}{new}{match.group(3)}" + block[match.end():]
    return text[: header.end()] + new_block + rest[len(block):]


def changelog_entry(plan: RefreshPlan, today: _dt.date) -> str:
    channel = plan.new_channel
    lines = [f"## {channel.version} ({today.isoformat()})", ""]
    for c in plan.changes:
        pythons = "" if len(c.pythons) == len(channel.pythons) else f" (Python {', '.join(c.pythons)})"
        fixes = f"; fixes {', '.join(c.fixes)}" if c.fixes else ""
        released = f", released {c.released}" if c.released else ""
        why = f"; {c.why}" if c.why else ""
        lines.append(f"- {c.package} {c.old or '(new)'} -> {c.new or '(dropped)'}{pythons}{released}{fixes}{why}")
        lines += [f"  - {line}" for line in _decision_lines(channel, c)]
        lines += [f"  - {line}" for line in _api_lines(c.api)]
        if c.old and c.new and is_build_of(c.new, c.old):
            lines.append("  - served by the channel's own index; its patches, record and OpenVEX statement are published with the serial")
    for hold in plan.holds:
        lines.append(
            f"- held: {hold.package} stays at {hold.held_at}; {hold.refused} is refused: it regresses "
            f"{', '.join(hold.canaries)} ({', '.join(hold.tests[:3])}); review {hold.review.isoformat()}"
        )
    return "\n".join(lines) + "\n"


def _decision_lines(channel: Channel, change: PinChange) -> list[str]:
    """The channel's decisions this change carries out (docs/audit.md): what, why, and what changes for users."""
    return [
        f"{d.decision} of {d.id} (decided {d.decided}): {d.reason}"
        for d in channel.decisions
        if d.package == change.package and change.new and (d.version == change.new or d.id in change.fixes)
    ]


CHANGELOG_API_LINES = 20


def _api_lines(api: ApiDifference | None) -> list[str]:
    """The sub-bullets of one change: its public API difference (the flag first), if compared."""
    if api is None:
        return []
    if api.error is not None:
        return [f"public API not compared: {api.error}"]
    if not api.breakages:
        return ["no public API difference"]
    lines = [f"**{FLAG}**"] if api.flag else []
    lines += [f"API: {b}" for b in api.breakages[:CHANGELOG_API_LINES]]
    rest = len(api.breakages) - CHANGELOG_API_LINES
    if rest > 0:
        lines.append(f"API: … and {rest} more (`flask-lts-tools api-diff {api.package} {api.old} {api.new}`)")
    return lines


def changelog_path(constraints_dir: Path, channel: Channel) -> Path:
    return layout.changelog_file(channel.name, constraints_dir)


def new_changelog_text(path: Path, entry: str, channel: Channel) -> str:
    if path.exists():
        old = path.read_text(encoding="utf-8")
        head, sep, rest = old.partition("\n## ")
        return head.rstrip("\n") + "\n\n" + entry + ("\n## " + rest if sep else "")
    return f"# Changes of the Flask LTS {channel.name} channel\n\nNewest first. Each serial is a re-verified set; `make refresh CHANNEL={channel.name}` adds entries.\n\n" + entry


def blame(result_problems: Sequence[dict], changes: Sequence[PinChange]) -> list[str]:
    """Which new pin broke what: problems that name a changed package first."""
    changed = {c.package: c for c in changes}
    lines = []
    for p in result_problems:
        pkg = (p.get("package") or "").replace("_", "-")
        module = (p.get("module") or "").split(".")[0].replace("_", "-")
        hit = changed.get(pkg) or changed.get(module)
        first = p["message"].strip().splitlines()[0][:200] if p["message"].strip() else ""
        if hit:
            lines.append(f"{hit.package} {hit.old or '(new)'} -> {hit.new or '(dropped)'} broke: {first}")
        else:
            lines.append(f"{first} (not attributed to a single changed pin)")
    return lines


def apply(
    plan: RefreshPlan,
    constraints_dir: Path,
    verify_candidate: Callable[[Path], list[dict]],
    today: _dt.date | None = None,
    docker_root: Path | None = None,
    check_canaries: Callable[[Path], list[Hold]] | None = None,
    judge_failures: Callable[[Path, str, list[dict]], tuple[list[Hold], list[str]]] | None = None,
) -> list[Path]:
    """Verify the candidate, then run its canaries; on success write constraints, serial,
    changelog and any new holds atomically.

    `verify_candidate(path_to_candidate_constraints)` returns the verification
    reports (one per Python, as JSON dicts). Nothing is written if any failed.
    `check_canaries(path)` returns the holds the canaries call for (it raises when a
    regression cannot be held); when there are any, nothing is written, they are put in
    `plan.found_holds` and [] is returned: resolve again with them and apply again.
    With `docker_root`, the channel's Docker files there are regenerated in the same write.
    """
    today = today or _dt.date.today()
    if plan.resolution is None or not plan.changes:
        raise RefreshError(f"channel {plan.channel.name}: nothing to refresh")
    new_channel = plan.new_channel
    candidate_resolution = dataclasses.replace(plan.resolution, channel=new_channel)
    with tempfile.TemporaryDirectory(prefix=f"flask-lts-refresh-{plan.channel.name}-") as tmp:
        staged = constraint_files(candidate_resolution, Path(tmp), today)
        for path, text in staged.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        candidate = layout.constraints_file(plan.channel.name, Path(tmp))
        reports = verify_candidate(candidate)
        failed = [r for r in reports if r["status"] != "pass"]
        if failed and judge_failures is not None:
            # Failing tests of the packages' own suites get verdicts, as the canaries' do; a
            # failure of any other stage (install, imports, apps) stops the refresh below.
            report = failed[0]
            bad = [s for s in report["stages"] if s["status"] in ("fail", "error")]
            if bad and all(s["name"] == "upstream" for s in bad):
                holds, blocking = judge_failures(candidate, report["python"], [p for s in bad for p in s["problems"]])
                if holds and not blocking:
                    plan.found_holds = holds
                    return []
                if blocking:
                    raise RefreshError(
                        f"channel {plan.channel.name}: the refreshed set failed verification on Python {report['python']}: "
                        + "; ".join(blocking[:3]) + "; nothing was written"
                    )
        if failed or not reports:
            problems = [p for r in failed for s in r["stages"] if s["status"] in ("fail", "error") for p in s["problems"]]
            detail = "; ".join(blame(problems, plan.changes)[:5]) or "no verification report"
            raise RefreshError(
                f"channel {plan.channel.name}: the refreshed set failed verification on Python "
                f"{', '.join(r['python'] for r in failed)}: {detail}; nothing was written"
            )
        if check_canaries is not None:
            plan.found_holds = list(check_canaries(candidate))
            if plan.found_holds:
                return []
    files = constraint_files(candidate_resolution, constraints_dir, today)
    files[plan.channel.path] = bump_serial_text(channel_text_with_holds(plan), plan.channel.serial, new_channel.serial)
    log_path = changelog_path(constraints_dir, plan.channel)
    files[log_path] = new_changelog_text(log_path, changelog_entry(plan, today), plan.channel)
    if docker_root is not None:
        files.update(docker_files(plan, files, constraints_dir, docker_root))
    atomic_write_many(files)
    return sorted(files)


def channel_text_with_holds(plan: RefreshPlan) -> str:
    """The channel file's text with this refresh's new holds appended (comments kept)."""
    from .canaries import hold_toml

    text = plan.channel.path.read_text(encoding="utf-8")
    for hold in plan.holds:
        text = text.rstrip("\n") + "\n\n" + hold_toml(hold)
    return text


def write_holds_only(plan: RefreshPlan) -> list[Path]:
    """Every new release was held: the pins stay, the serial stays, the holds are recorded."""
    atomic_write_many({plan.channel.path: channel_text_with_holds(plan)})
    return [plan.channel.path]


def docker_files(plan: RefreshPlan, files: dict[Path, str], constraints_dir: Path, root: Path) -> dict[Path, str]:
    """The base images pin the channel too: their files regenerated from the new constraints,
    to be written in the same atomic step. Nothing when the channel has no images under
    `root` or the constraints are not the repository's own (a refresh into another folder)."""
    from . import docker
    from .channel import load_channels

    if not (root / layout.DOCKER / plan.channel.name).is_dir():
        return {}
    if constraints_dir.resolve() != (root / layout.CONSTRAINTS).resolve():
        return {}
    with tempfile.TemporaryDirectory(prefix=f"flask-lts-refresh-{plan.channel.name}-docker-") as tmp:
        mirror = Path(tmp)
        shutil.copytree(constraints_dir, mirror / layout.CONSTRAINTS)
        for path, text in files.items():
            if constraints_dir.resolve() in path.resolve().parents:
                target = mirror / layout.CONSTRAINTS / path.resolve().relative_to(constraints_dir.resolve())
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        channels = [plan.new_channel if c.name == plan.channel.name else c for c in load_channels(plan.channel.path.parent)]
        generated = docker.generate(channels, mirror / layout.CONSTRAINTS, mirror)
        return {root / path.relative_to(mirror): text for path, text in generated.items()}
