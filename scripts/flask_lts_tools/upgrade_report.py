"""What a user must know to move an app from one channel to another, package by package.

`upgrade_report(old, new, ...) -> UpgradeReport` takes every package whose pin differs
between the two channels (on the newest Python both claim) and gathers, for each:

- the public API difference between the two pins (`api_diff.api_difference`, computed from
  the releases on the package index);
- the deprecation warnings the old channel raised in verify's imports and apps stages
  (reports/<old>/py*.json) that became removals in the new one: a name the warning quotes is
  gone in the API difference, or the warning names a release that the new pin has reached;
- the breaking entries of the package's changelog between the two pins (channels/upgrades/);
- the `flask-lts scan` rules that apply to it, and the extras that install it.

It also diffs the compat apps the two channels run (compat-apps/): where a group's app has a
variant for the old channel's releases (`VARIANT_OF = "test_babel.py"`), the difference between
the two files is what the move asked of a real app. `render_markdown` and `report_json` are the
output formats; the site renders the JSON.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as _dt
import difflib
import json
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from . import _layout as layout
from ._exceptions import UpgradeReportError
from ._output import markdown_table
from .api_diff import ApiDifference, api_difference
from .breaking_changes import BreakingChange, load_changes
from .channel import Channel, find_channel_file, load_channel
from .constraints import Pin, pins_for, read_pins
from .verify.stages.apps import select_apps

Log = Callable[[str], None]
SCHEMA = 1
STAGES = ("imports", "apps")  # where a channel's own deprecation warnings show: at import, in real apps
_DEPRECATION = re.compile(r"Deprecat|RemovedIn|MovedIn|Legacy|FutureWarning")
# "will be removed in Flask 2.3", "removed in version 3.0", "removed in Werkzeug 3.0."
_REMOVED_IN = re.compile(r"removed in (?:(?!version\b)([A-Za-z][\w.-]*) )?(?:version )?v?(\d+(?:\.\d+)+)", re.IGNORECASE)
# SQLAlchemy's warning classes name the release: RemovedIn20Warning -> 2.0
_CATEGORY_RELEASE = re.compile(r"RemovedIn(\d)(\d+)Warning")
# SQLAlchemy 1.4's one warning for all 2.0 incompatibilities: "not compatible with SQLAlchemy 2.0"
_INCOMPATIBLE_WITH = re.compile(r"not compatible with ([A-Za-z][\w-]*) (\d+(?:\.\d+)+)")
_DOTTED = re.compile(r"\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\b")
_QUOTED = re.compile(r"[`'\"]{1,2}([A-Za-z_]\w{4,})(?:\(\))?[`'\"]{1,2}")


@dataclass
class Deprecation:
    """A deprecation warning of the old channel, and why it is a removal in the new one."""

    category: str
    message: str
    origin: str  # the package (or app file) whose code raised it
    stages: list[str]
    pythons: list[str]
    count: int
    package: str = ""  # the package whose API it is about
    removed: list[str] = field(default_factory=list)  # the evidence: names gone, or "Flask 2.3 <= 3.0.3"


@dataclass
class PackageUpgrade:
    package: str
    old: str | None
    new: str | None
    extras: list[str]
    api: list[str] = field(default_factory=list)
    api_error: str | None = None
    deprecations: list[Deprecation] = field(default_factory=list)
    changelog: list[dict] = field(default_factory=list)
    changelog_source: str | None = None  # "flask 3.1.3 sdist, CHANGES.rst", or None: no curated entries
    scan_rules: list[dict] = field(default_factory=list)


@dataclass
class AppChange:
    """A compat app group between the two channels: the module each runs, and their difference."""

    group: str
    old: str | None
    new: str | None
    diff: str = ""


@dataclass
class UpgradeReport:
    old: str
    new: str
    python: str
    made: str
    seconds: float
    packages: list[PackageUpgrade]
    apps: list[AppChange]
    other_deprecations: list[Deprecation]  # the old channel's deprecations not shown to be removals
    reports_read: list[str]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "packages": len(self.packages),
            "api_changes": sum(len(p.api) for p in self.packages),
            "deprecations_removed": sum(len(p.deprecations) for p in self.packages),
            "changelog_entries": sum(len(p.changelog) for p in self.packages),
            "scan_rules": sum(len(p.scan_rules) for p in self.packages),
            "apps_changed": sum(1 for a in self.apps if a.old != a.new),
        }


# -- the pins ---------------------------------------------------------------------------------


def common_python(old: Channel, new: Channel) -> str:
    """The newest Python both channels claim: the one a user moves on."""
    shared = [p for p in new.pythons if p in old.pythons]
    if not shared:
        raise UpgradeReportError(f"channels {old.name} ({', '.join(old.pythons)}) and {new.name} ({', '.join(new.pythons)}) "
                                 "share no Python; pass --python")  # fmt: skip
    return max(shared, key=Version)


def channel_pins(channel: Channel, python: str, constraints_dir: Path) -> dict[NormalizedName, Pin]:
    path = layout.constraints_file(channel.name, constraints_dir)
    if not path.exists():
        raise UpgradeReportError(f"{path}: no constraints file; run make resolve CHANNEL={channel.name}")
    return pins_for(read_pins(path), python)


def extras_of(package: str, channels: Sequence[tuple[Channel, Mapping[NormalizedName, Pin]]]) -> list[str]:
    """The extras that install `package` in either channel (directly or as a dependency);
    only "core" when every install has it."""
    found: set[str] = set()
    for channel, pins in channels:
        parents: dict[str, set[str]] = {}
        for pin in pins.values():
            for via in pin.via:
                parents.setdefault(pin.name, set()).add(canonicalize_name(via.split()[0]))
        seen, todo = {package}, [package]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        if seen & set(channel.core):
            return ["core"]
        found |= {extra for extra, packages in channel.extras.items() if seen & set(packages)}
    return sorted(found)


# -- deprecation warnings ---------------------------------------------------------------------


def old_deprecations(channel: str, reports_dir: Path) -> tuple[list[Deprecation], list[str]]:
    """The deprecation warnings of a channel's verification (imports and apps stages), merged
    over its Pythons; and the reports read."""
    paths = sorted((reports_dir / channel).glob("py*.json"))
    if not paths:
        raise UpgradeReportError(f"{reports_dir / channel}: no verification reports; run make verify CHANNEL={channel}")
    merged: dict[tuple[str, str, str], Deprecation] = {}
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        for stage in data.get("stages", []):
            if stage.get("name") not in STAGES:
                continue
            for w in stage.get("warnings", []):
                if not _DEPRECATION.search(w.get("category", "")):
                    continue
                key = (w.get("origin", ""), w["category"], w["message"])
                d = merged.setdefault(key, Deprecation(w["category"], w["message"], w.get("origin", ""), [], [], 0))
                d.count += int(w.get("count", 1))
                if stage["name"] not in d.stages:
                    d.stages.append(stage["name"])
                if data.get("python") not in d.pythons:
                    d.pythons.append(data.get("python"))
    return sorted(merged.values(), key=lambda d: (d.origin, d.category, d.message)), [str(p) for p in paths]


def _breakage_path(breakage: str) -> str:
    """The dotted name an API difference line is about."""
    for prefix in ("removed ", "changed signature of "):
        if breakage.startswith(prefix):
            return breakage[len(prefix):].split("(", 1)[0]
    if ": " in breakage:  # griffe's other kinds: "attribute value was changed: a.b (x -> y)"
        return breakage.split(": ", 1)[1].split(" ", 1)[0]
    return breakage.split(" ", 1)[0]


def _names_in(message: str) -> tuple[set[str], set[str]]:
    dotted = set(_DOTTED.findall(message))
    single = set(_QUOTED.findall(message)) - {n.rsplit(".", 1)[-1] for n in dotted if "." not in n}
    return dotted, single


def _package_named(word: str, pins: Mapping[NormalizedName, Pin]) -> NormalizedName | None:
    name = canonicalize_name(word.replace("_", "-"))
    return name if name in pins else None


def removal_evidence(d: Deprecation, diffs: Mapping[str, ApiDifference], new_pins: Mapping[NormalizedName, Pin]) -> tuple[str, list[str]]:
    """(package, evidence) that a deprecation became a removal in the new pins: the public
    names it quotes that the API difference lists as removed or changed, or the release the
    warning names (or its class names) that the new pin has reached. ("", []) when neither."""
    dotted, single = _names_in(d.message)
    origin_pkg = _package_named(d.origin.removesuffix(".py"), new_pins)
    for package, diff in diffs.items():
        paths = {_breakage_path(b): b for b in diff.breakages}
        hits = []
        for path in sorted(paths):
            parts = path.split(".")
            tails = {".".join(parts[i:]) for i in range(len(parts) - 1)}  # two parts at least
            if dotted & tails:
                hits.append(path)
            elif parts[-1] in single and (parts[0] in d.message or canonicalize_name(parts[0].replace("_", "-")) == origin_pkg):
                hits.append(path)
        if hits:
            return package, [f"{paths[h]} ({package} {diff.new})" for h in hits[:5]]
    named = _CATEGORY_RELEASE.search(d.category)
    candidates = []
    if named:
        candidates.append(("sqlalchemy", f"{named.group(1)}.{named.group(2)}"))
    for match in _REMOVED_IN.finditer(d.message):
        package = _package_named(match.group(1), new_pins) if match.group(1) else origin_pkg
        if package:
            candidates.append((package, match.group(2)))
    for match in _INCOMPATIBLE_WITH.finditer(d.message):
        package = _package_named(match.group(1), new_pins)
        if package:
            candidates.append((package, match.group(2)))
    for package, release in candidates:
        pin = new_pins.get(canonicalize_name(package))
        try:
            if pin is not None and Version(pin.version) >= Version(release):
                return canonicalize_name(package), [f"removed in {package} {release}; the new channel pins {pin.version}"]
        except InvalidVersion:
            continue
    return "", []


# -- compat apps ------------------------------------------------------------------------------


def variant_of(path: Path) -> str:
    """The app module a compat app is a variant of (its literal VARIANT_OF), else its own name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "VARIANT_OF" for t in node.targets):
            return str(ast.literal_eval(node.value))
    return path.name


def app_changes(dirs: Sequence[Path], old_pins: Mapping[NormalizedName, Pin], new_pins: Mapping[NormalizedName, Pin], old: str, new: str) -> list[AppChange]:
    """Per compat app group: the module each channel's set runs, and the difference between them."""
    chosen = {}
    for side, pins in (("old", old_pins), ("new", new_pins)):
        paths, _ = select_apps(dirs, {name: pin.version for name, pin in pins.items()})
        chosen[side] = {variant_of(p): p for p in paths}
    changes = []
    for group in sorted(set(chosen["old"]) | set(chosen["new"])):
        a, b = chosen["old"].get(group), chosen["new"].get(group)
        diff = ""
        if a is not None and b is not None and a != b:
            diff = "".join(difflib.unified_diff(
                a.read_text(encoding="utf-8").splitlines(keepends=True), b.read_text(encoding="utf-8").splitlines(keepends=True),
                fromfile=f"{a.name} (channel {old})", tofile=f"{b.name} (channel {new})", n=2,
            ))  # fmt: skip
        changes.append(AppChange(group.removeprefix("test_").removesuffix(".py"), a.name if a else None, b.name if b else None, diff))
    return changes


# -- scan rules -------------------------------------------------------------------------------


def scan_rules(old: Mapping[NormalizedName, str], new: Mapping[NormalizedName, str]) -> list:
    """The `flask-lts scan` rules (installer/src/flask_lts/scan) that apply between two sets."""
    source = str(layout.REPOSITORY_ROOT / "installer" / "src")
    if source not in sys.path:
        sys.path.append(source)  # the installer's scan is standard library only: read it in place
    from flask_lts.scan import select_rules

    return select_rules(dict(old), dict(new))


# -- the report -------------------------------------------------------------------------------


def upgrade_report(
    old_name: str, new_name: str, *, python: str | None = None, channels_dir: Path = layout.CHANNELS,
    constraints_dir: Path = layout.CONSTRAINTS, reports_dir: Path = layout.REPORTS, upgrades_dir: Path = layout.UPGRADES,
    apps_dirs: Sequence[Path] = (layout.COMPAT_APPS,), api_cache: Path = layout.API_DIFF, today: _dt.date | None = None,
    jobs: int = 2, log: Log = lambda message: None, packages_dir: Path = layout.PACKAGES,
) -> UpgradeReport:  # fmt: skip
    """Everything a move from channel `old_name` to `new_name` asks of a user, per package."""
    started = _dt.datetime.now()
    old, new = (load_channel(find_channel_file(n, channels_dir)) for n in (old_name, new_name))
    python = python or common_python(old, new)
    for channel in (old, new):
        if python not in channel.pythons:
            raise UpgradeReportError(f"channel {channel.name} does not claim Python {python} (it claims {', '.join(channel.pythons)})")
    old_pins, new_pins = (channel_pins(c, python, constraints_dir) for c in (old, new))
    changed = sorted(n for n in set(old_pins) | set(new_pins)
                     if (old_pins[n].version if n in old_pins else None) != (new_pins[n].version if n in new_pins else None))  # fmt: skip
    log(f"on Python {python}: {len(changed)} packages change")
    deprecations, reports_read = old_deprecations(old.name, reports_dir)  # before the slow part: a missing report fails fast
    changes = load_changes(upgrades_dir)

    both = [n for n in changed if n in old_pins and n in new_pins]
    # A channel's own build (a local version) is not on the package index: its API is read from the
    # files the channel publishes (packages/<channel>/, the same bytes its index serves).
    for name in both:
        for channel, pins in ((old, old_pins), (new, new_pins)):
            if Version(pins[name].version).local is not None:
                log(f"{name} {pins[name].version}: the API of channel {channel.name}'s build, from {layout.packages_folder(channel.name, packages_dir)}")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        diffs = dict(zip(both, pool.map(lambda n: api_difference(n, old_pins[n].version, new_pins[n].version, api_cache, packages_dir), both)))
    log(f"API difference computed for {len(diffs)} packages ({sum(len(d.breakages) for d in diffs.values())} changes)")

    rules = scan_rules({n: p.version for n, p in old_pins.items()}, {n: p.version for n, p in new_pins.items()})
    packages = {}
    for name in changed:
        o, n = (old_pins[name].version if name in old_pins else None), (new_pins[name].version if name in new_pins else None)
        diff = diffs.get(name)
        log_entries: list[BreakingChange] = changes[name].between(o, n) if name in changes else []
        packages[name] = PackageUpgrade(
            package=name, old=o, new=n, extras=extras_of(name, [(old, old_pins), (new, new_pins)]),
            api=list(diff.breakages) if diff else [], api_error=diff.error if diff else None,
            changelog=[dataclasses.asdict(e) | {"source": str(Path(e.source).as_posix())} for e in log_entries],
            changelog_source=f"{name} {changes[name].release} sdist, {changes[name].file}" if name in changes else None,
            scan_rules=[{"id": s.rule.id, "kind": s.kind, "since": s.version, "summary": s.rule.summary, "fixable": s.rule.fixable}
                        for s in rules if canonicalize_name(s.rule.package) == name],
        )  # fmt: skip
    other = []
    for d in deprecations:
        package, evidence = removal_evidence(d, diffs, new_pins)
        if package in packages:
            d.package, d.removed = package, evidence
            packages[package].deprecations.append(d)
        else:
            other.append(d)
    apps = app_changes(apps_dirs, old_pins, new_pins, old.name, new.name)
    return UpgradeReport(
        old=old.name, new=new.name, python=python, made=(today or _dt.date.today()).isoformat(),
        seconds=round((_dt.datetime.now() - started).total_seconds(), 1), packages=list(packages.values()),
        apps=apps, other_deprecations=other, reports_read=reports_read,
    )  # fmt: skip


# -- output -----------------------------------------------------------------------------------


def report_json(report: UpgradeReport) -> str:
    data = {"schema": SCHEMA, **dataclasses.asdict(report), "counts": report.counts}
    data.pop("seconds")  # the file is regenerated byte-identical when nothing changed; timings go to the log
    return json.dumps(data, indent=2, sort_keys=False) + "\n"


def _version_cell(v: str | None) -> str:
    return v if v is not None else "-"


def render_markdown(report: UpgradeReport) -> str:
    """The report as one Markdown page: a summary table, then one section per package."""
    c = report.counts
    out = [
        f"# Moving from channel {report.old} to channel {report.new}",
        "",
        f"Generated by `make upgrade-report FROM={report.old} TO={report.new}` on {report.made}, for the pins on Python "
        f"{report.python} (the newest Python both channels claim); do not edit. Remake it with that command.",
        "",
        f"{c['packages']} packages change their pin: {c['api_changes']} public API changes (computed from the releases with "
        f"griffe), {c['deprecations_removed']} deprecation warnings of channel {report.old} that are removals in "
        f"{report.new}, {c['changelog_entries']} breaking changelog entries (curated, each linked), "
        f"{c['scan_rules']} `flask-lts scan` rules, {c['apps_changed']} compat apps that had to change.",
        "",
        f"Check your code first: `flask-lts scan src/ --from {report.old} --to {report.new}` (rules: docs/scan.md#rules).",
        "",
        "## Summary",
        "",
        markdown_table(
            ["package", report.old, report.new, "extras", "API changes", "removed deprecations", "changelog", "scan rules"],
            [[f"[{p.package}](#{p.package})", _version_cell(p.old), _version_cell(p.new), ", ".join(p.extras) or "-",
              "not compared" if p.api_error else len(p.api), len(p.deprecations), len(p.changelog), len(p.scan_rules)]
             for p in report.packages],
        ),  # fmt: skip
        "",
    ]
    out += ["## What the compat apps had to change", ""]
    out += [
        f"The verifier's compat apps (compat-apps/) are small real apps per extension group; each channel runs the module "
        f"written for its releases. Where channel {report.old} needs its own variant, the difference is what the move asked.",
        "",
    ]
    for app in report.apps:
        if app.old == app.new:
            continue
        if app.old is None or app.new is None:
            out += [f"- **{app.group}**: runs only on channel {report.new if app.old is None else report.old} ({app.new or app.old})", ""]
            continue
        out += [f"### {app.group}: {app.old} -> {app.new}", "", "```diff", app.diff.rstrip("\n"), "```", ""]
    same = [a.group for a in report.apps if a.old == a.new]
    out += [f"Unchanged (the same module runs on both channels): {', '.join(same) or '-'}.", ""]
    out += ["## Packages", ""]
    for p in report.packages:
        out += [f"### {p.package}", "", f"{_version_cell(p.old)} -> {_version_cell(p.new)}; installed by: {', '.join(p.extras) or '-'}.", ""]
        if p.old is None or p.new is None:
            out += [f"{'New in' if p.old is None else 'No longer in'} channel {report.new if p.old is None else report.new}.", ""]
        if p.scan_rules:
            out += ["`flask-lts scan` rules: " + ", ".join(
                f"`{r['id']}` ({r['kind']} in {r['since']}{', fixable' if r['fixable'] else ''})" for r in p.scan_rules) + ".", ""]  # fmt: skip
        if p.changelog:
            out += [f"Breaking changelog entries (read from the {p.changelog_source}):", ""]
            out += [f"- {e['version']} **{e['kind']}**: {e['text']} ([source]({e['link']}))" for e in p.changelog] + [""]
            if unwarned(p):
                out += [f"Channel {report.old} gives no warning for the {len(unwarned(p))} deprecation(s) above: they came "
                        f"after {p.package} {p.old}.", ""]  # fmt: skip
        elif p.old and p.new:
            out += ["No curated changelog entries" + (f" between these releases ({p.changelog_source})." if p.changelog_source else " for this package yet."), ""]
        if p.deprecations:
            out += [f"Deprecation warnings of channel {report.old} that are removals now:", ""]
            for d in p.deprecations:
                out += [f"- `{d.category}` from {d.origin} ({', '.join(d.stages)}; Python {', '.join(d.pythons)}): "
                        f"{_one_line(d.message)} — {'; '.join(d.removed)}"]  # fmt: skip
            out += [""]
        if p.api_error:
            out += [f"Public API not compared: {p.api_error}", ""]
        elif p.api:
            out += [f"Public API difference ({len(p.api)}):", ""] + [f"- {b}" for b in compact_api(p.api)] + [""]
        elif p.old and p.new:
            out += ["Public API difference: none found.", ""]
    if report.other_deprecations:
        out += [f"## Other deprecation warnings of channel {report.old}", "",
                "Raised by the old channel's imports or compat apps but not shown to be removals in the new one "
                "(still deprecated, or nothing here ties them to a removal):", ""]  # fmt: skip
        out += [f"- `{d.category}` from {d.origin}: {_one_line(d.message)}" for d in report.other_deprecations] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def compact_api(lines: Sequence[str], least: int = 3, shown: int = 4) -> list[str]:
    """The API difference for reading: one line for a member removed from `least` or more
    classes (SQLAlchemy 2.0 drops `__unicode__` from every exception), in first-seen order."""
    by_member: dict[str, list[str]] = {}
    for line in lines:
        if line.startswith("removed ") and line.count(".") >= 2:
            parent, _, member = line[len("removed "):].rpartition(".")
            by_member.setdefault(member, []).append(parent)
    out, done = [], set()
    for line in lines:
        member = line.rpartition(".")[2] if line.startswith("removed ") and line.count(".") >= 2 else None
        if member is None or len(by_member[member]) < least:
            out.append(line)
        elif member not in done:
            done.add(member)
            parents = by_member[member]
            more = f", … ({len(parents) - shown} more)" if len(parents) > shown else ""
            out.append(f"removed .{member} from {len(parents)} names: {', '.join(parents[:shown])}{more}")
    return out


def unwarned(package: PackageUpgrade) -> list[dict]:
    """The changelog's deprecations of this move: all came after the old pin, so the old
    channel never warned about them."""
    return [e for e in package.changelog if e["kind"] == "deprecated"]


def _one_line(text: str, width: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def report_from_json(text: str) -> dict:
    """A report as the site reads it back (plain data)."""
    data = json.loads(text)
    if data.get("schema") != SCHEMA:
        raise UpgradeReportError(f"upgrade report schema {data.get('schema')!r} is not {SCHEMA}; remake it with make upgrade-report")
    return data


def load_report(data: dict) -> UpgradeReport:
    """An UpgradeReport back from its JSON data (report_from_json)."""
    def deprecations(items: list[dict]) -> list[Deprecation]:
        return [Deprecation(**d) for d in items]

    packages = [PackageUpgrade(**{**p, "deprecations": deprecations(p["deprecations"])}) for p in data["packages"]]
    return UpgradeReport(
        old=data["old"], new=data["new"], python=data["python"], made=data["made"], seconds=0.0, packages=packages,
        apps=[AppChange(**a) for a in data["apps"]], other_deprecations=deprecations(data["other_deprecations"]),
        reports_read=data["reports_read"],
    )  # fmt: skip

