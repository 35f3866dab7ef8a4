"""Channel files: load `channels/<name>.toml` into a validated `Channel`.

A channel is data. This module only reads and checks it; every error names
the file, the line (or key) and what to fix.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from ._exceptions import ChannelError
from ._resources import python_lifecycle
from ._toml import tomllib

STATUSES = ("preview", "supported", "security-only", "end-of-life")
CORE_PACKAGES = ("flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "click", "blinker")

_TABLE_KEYS: dict[str, dict[str, bool]] = {
    # key -> required?
    "channel": {
        "name": True,
        "status": True,
        "freeze-date": True,
        "release-date": True,
        "bugfix-until": True,
        "security-until": True,
        "serial": True,
        "summary": False,
    },
    "python": {"supported": True, "planned": False, "default": True},
    "exceptions": {"package": True, "series": True, "python": False, "reason": True},
    "omitted": {"package": True, "extra": True, "reason": True},
    "accepted-risks": {
        "id": True,
        "package": True,
        "reason": True,
        "decided": True,
        "by": True,
        "expires": True,
    },
    "advisories": {
        "id": True,
        "package": True,
        "decision": True,
        "reason": True,
        "evidence": True,
        "decided": True,
        "by": True,
        "expires": False,  # required for not-affected and accepted
        "version": False,  # required for fixed-in-series, backport and exception
        "patch": False,  # required for backport
    },
    "series-choices": {
        "package": True,
        "chosen": True,
        "instead-of": True,
        "canaries": True,
        "tests": True,
        "evidence": True,
        "decided": True,
        "reason": True,
        "users": False,  # required when the chosen release or series is the newer one
    },
    "held": {
        "package": True,
        "held-at": True,
        "refused": True,
        "canaries": True,
        "tests": True,
        "decided": True,
        "review": True,
        "reason": True,
    },
}
_TOP_KEYS = {"channel", "python", "core", "extras", "dependencies", "exceptions", "omitted", "advisories", "accepted-risks", "held", "series-choices"}
# What a channel does about an advisory affecting its pins (docs/audit.md, "Decisions").
DECISIONS = ("fixed-in-series", "backport", "exception", "not-affected", "accepted")
EXPIRING_DECISIONS = frozenset({"not-affected", "accepted"})  # live with it: until `expires`
PATCH_PENDING = "pending"  # a backport's patch is still being made
_EXTRA_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class SeriesException:
    """A pin allowed outside its frozen series, for some Pythons, with its reason."""

    package: NormalizedName
    series: str
    python: SpecifierSet
    reason: str


@dataclass(frozen=True)
class Omission:
    """An extension left out of this channel, and why."""

    package: str
    extra: str
    reason: str


@dataclass(frozen=True)
class AdvisoryDecision:
    """What the channel does about one advisory affecting one of its packages, and why.

    `decision` is one of DECISIONS. `version` is the release that fixes it (fixed-in-series,
    exception) or the local build carrying the backport (`3.0.6+lts2024.1`); `patch` the
    backport's patch file, or "pending"; `expires` ends a not-affected or accepted decision.
    """

    id: str  # the advisory's id or any alias
    package: NormalizedName
    decision: str
    reason: str
    evidence: tuple[str, ...]
    decided: _dt.date
    by: str
    expires: _dt.date | None = None
    version: str | None = None
    patch: str | None = None
    where: str = field(default="", compare=False)  # "channels/2024.toml:180: [[advisories]][3]", for messages

    @property
    def patch_pending(self) -> bool:
        return self.decision == "backport" and self.patch == PATCH_PENDING


AcceptedRisk = AdvisoryDecision  # the older name: an accepted risk is a decision = "accepted"


@dataclass(frozen=True)
class Hold:
    """A patch release refused because it regresses canaries: the channel keeps `held_at`."""

    package: NormalizedName
    held_at: str
    refused: str
    canaries: tuple[str, ...]
    tests: tuple[str, ...]
    decided: _dt.date
    review: _dt.date  # when to look again (a fixed canary or a newer release may lift it)
    reason: str


@dataclass(frozen=True)
class SeriesChoice:
    """Which series (or release) of a package the channel freezes where its canaries disagree:
    `chosen` is what the channel pins, `instead_of` what the canaries would pass with. When
    the newer one is chosen, the canaries are known incompatibilities and `users` says what
    their users should do (docs/canaries.md, "Series choices")."""

    package: NormalizedName
    chosen: str
    instead_of: str
    canaries: tuple[str, ...]
    tests: tuple[str, ...]
    evidence: tuple[str, ...]
    decided: _dt.date
    reason: str
    users: str = ""

    @property
    def newer_chosen(self) -> bool:
        return Version(self.chosen) > Version(self.instead_of)


@dataclass(frozen=True)
class Channel:
    """One LTS line: support dates, Pythons and the frozen series of every package."""

    name: str
    path: Path
    status: str
    freeze_date: _dt.date
    release_date: _dt.date
    bugfix_until: _dt.date
    security_until: _dt.date
    serial: int
    pythons: tuple[str, ...]
    planned_pythons: tuple[str, ...]
    default_python: str
    core: dict[NormalizedName, str]
    extras: dict[str, dict[NormalizedName, str]]
    all_extras: tuple[str, ...]
    dependencies: dict[NormalizedName, str]
    exceptions: tuple[SeriesException, ...] = ()
    omitted: tuple[Omission, ...] = ()
    decisions: tuple[AdvisoryDecision, ...] = ()
    held: tuple[Hold, ...] = ()
    series_choices: tuple[SeriesChoice, ...] = ()
    summary: str = ""
    display_names: dict[NormalizedName, str] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """The installer package's version for this channel: `<name>.<serial>`."""
        return f"{self.name}.{self.serial}"

    @property
    def series(self) -> dict[NormalizedName, str]:
        """Every package of the channel (core, extras, dependencies) -> its frozen series."""
        merged: dict[NormalizedName, str] = dict(self.core)
        for packages in self.extras.values():
            merged.update(packages)
        merged.update(self.dependencies)
        return merged

    def top_packages(self) -> list[NormalizedName]:
        """The packages a full install names directly: the core and every extra's packages."""
        names = list(self.core)
        for packages in self.extras.values():
            names.extend(p for p in packages if p not in names)
        return names

    def allowed_series(self, package: str, python: str) -> str | None:
        """The series a pin of `package` must lie in on `python` (exceptions first)."""
        name = canonicalize_name(package)
        for exc in self.exceptions:
            if exc.package == name and (not exc.python or exc.python.contains(python + ".0", prereleases=True)):
                return exc.series
        return self.series.get(name)

    @property
    def accepted_risks(self) -> tuple[AdvisoryDecision, ...]:
        """The decisions to live with an advisory (accepted, not affected), each until it expires."""
        return tuple(d for d in self.decisions if d.decision in EXPIRING_DECISIONS)

    def display_name(self, package: str) -> str:
        return self.display_names.get(canonicalize_name(package), package)


def series_specifier(series: str) -> SpecifierSet:
    """`3.0` -> `==3.0.*`: the versions a series admits."""
    return SpecifierSet(f"=={series}.*")


def in_series(version: str | Version, series: str) -> bool:
    return series_specifier(series).contains(str(version), prereleases=True)


def load_channel(path: str | Path) -> Channel:
    """Read and validate one channel file; raise ChannelError naming file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ChannelError(f"{path}: no such channel file; channels live in channels/<name>.toml") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ChannelError(f"{path}: TOML syntax error: {exc}; fix the file's syntax") from None
    return _Validator(path, text).channel(data)


def find_channel_file(name_or_path: str, channels_dir: Path) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml":
        return candidate
    path = channels_dir / f"{name_or_path}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in channels_dir.glob("*.toml"))) or "none"
        raise ChannelError(f"{path}: no channel named {name_or_path!r} (known channels: {known})")
    return path


def load_channels(channels_dir: Path) -> list[Channel]:
    return [load_channel(p) for p in sorted(channels_dir.glob("*.toml"))]


class _Validator:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.display: dict[NormalizedName, str] = {}

    # -- error helpers -------------------------------------------------
    def line_of(self, table: str, key: str | None = None, index: int = 0) -> int | None:
        """Line number (1-based) of `key` inside `[table]` (or of the table header)."""
        current = None
        seen = -1
        header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
        key_re = re.compile(r'^\s*"?' + re.escape(key) + r'"?\s*=') if key else None
        for number, line in enumerate(self.lines, start=1):
            match = header.match(line)
            if match:
                current = match.group(1)
                if current == table:
                    seen += 1
                    if key is None and seen == index:
                        return number
                continue
            if key_re and current == table and seen == index and key_re.match(line):
                return number
        return None

    def fail(self, message: str, table: str, key: str | None = None, index: int = 0) -> ChannelError:
        line = self.line_of(table, key, index) if table else None
        where = f"{self.path}:{line}" if line else str(self.path)
        loc = f"[{table}]" + (f" {key}" if key else "")
        return ChannelError(f"{where}: {loc}: {message}")

    # -- pieces ---------------------------------------------------------
    def check_keys(self, table: str, data: Mapping[str, Any], schema: str, index: int = 0) -> None:
        allowed = _TABLE_KEYS[schema]
        for key in data:
            if key not in allowed:
                raise self.fail(
                    f"unknown key {key!r}; allowed keys: {', '.join(allowed)}", table, key, index
                )
        for key, required in allowed.items():
            if required and key not in data:
                raise self.fail(f"missing required key {key!r}", table, None, index)

    def date(self, table: str, data: Mapping[str, Any], key: str, index: int = 0) -> _dt.date:
        value = data[key]
        if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
            raise self.fail(f"must be a date like 2024-06-30, got {value!r}", table, key, index)
        return value

    def string(self, table: str, data: Mapping[str, Any], key: str, index: int = 0) -> str:
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"must be a non-empty string, got {value!r}", table, key, index)
        return value

    def python_version(self, table: str, key: str, value: Any) -> str:
        if isinstance(value, str) and re.fullmatch(r"3\.\d{1,2}", value):
            return value
        raise self.fail(f"{value!r} is not a Python version like \"3.12\"", table, key)

    def package(self, table: str, key: str) -> NormalizedName:
        try:
            req = Requirement(key)
        except InvalidRequirement:
            req = None
        if req is None or req.extras or req.specifier or req.marker or req.url:
            raise self.fail(f"{key!r} is not a plain package name", table, key)
        name = canonicalize_name(req.name)
        self.display.setdefault(name, req.name)
        return name

    def series(self, table: str, key: str, value: Any, index: int = 0) -> str:
        if not isinstance(value, str):
            raise self.fail(f"series must be a string like \"3.0\", got {value!r}", table, key, index)
        try:
            version = Version(value)
        except InvalidVersion:
            version = None
        if (
            version is None
            or str(version.base_version) != value.strip()
            or version.is_prerelease
            or version.local
            or len(version.release) > 3
        ):
            raise self.fail(
                f"invalid series {value!r}: write the release-series prefix, e.g. \"3.0\" for 3.0.*",
                table,
                key,
                index,
            )
        return value.strip()

    def series_table(self, table: str, data: Any) -> dict[NormalizedName, str]:
        if not isinstance(data, dict):
            raise self.fail("must be a table of package = \"series\"", table)
        result: dict[NormalizedName, str] = {}
        for key, value in data.items():
            name = self.package(table, key)
            if name in result:
                raise self.fail(f"package {key!r} listed twice", table, key)
            result[name] = self.series(table, key, value)
        return result

    # -- the whole file -------------------------------------------------
    def channel(self, data: dict[str, Any]) -> Channel:
        for key in data:
            if key not in _TOP_KEYS:
                raise self.fail(f"unknown table {key!r}; allowed: {', '.join(sorted(_TOP_KEYS))}", key)
        for key in ("channel", "python", "core", "extras"):
            if key not in data:
                raise ChannelError(f"{self.path}: missing required table [{key}]")
        meta = data["channel"]
        name, status, dates, serial = self.meta(meta)
        pythons, planned, default = self.pythons(data["python"], dates["freeze-date"])
        core = self.series_table("core", data["core"])
        missing = [p for p in CORE_PACKAGES if p not in core]
        if missing:
            raise self.fail(f"the core must freeze {', '.join(missing)}", "core")
        extras, all_extras = self.extras(data["extras"])
        dependencies = self.series_table("dependencies", data.get("dependencies", {}))
        seen = self.one_series_each([("core", core)] + [(f"extras.{k}", v) for k, v in extras.items()] + [("dependencies", dependencies)])
        exceptions = self.exceptions(data.get("exceptions", []), seen)
        omitted = []
        for i, item in enumerate(data.get("omitted", [])):
            self.check_keys("omitted", item, "omitted", i)
            omitted.append(Omission(**{k: self.string("omitted", item, k, i) for k in ("package", "extra", "reason")}))
        decisions = self.decisions(data.get("advisories", []), seen, exceptions, dates["security-until"])
        decisions += self.accepted_risks(data.get("accepted-risks", []), dates["security-until"])
        self.one_decision_each(decisions)
        held = self.holds(data.get("held", []), seen)
        choices = self.series_choices(data.get("series-choices", []), seen)

        return Channel(
            name=name,
            path=self.path,
            status=status,
            freeze_date=dates["freeze-date"],
            release_date=dates["release-date"],
            bugfix_until=dates["bugfix-until"],
            security_until=dates["security-until"],
            serial=serial,
            pythons=pythons,
            planned_pythons=planned,
            default_python=default,
            core=core,
            extras=extras,
            all_extras=all_extras,
            dependencies=dependencies,
            exceptions=tuple(exceptions),
            omitted=tuple(omitted),
            decisions=tuple(decisions),
            held=tuple(held),
            series_choices=tuple(choices),
            summary=meta.get("summary", ""),
            display_names=dict(self.display),
        )

    def meta(self, meta: Mapping[str, Any]) -> tuple[str, str, dict[str, _dt.date], int]:
        """[channel]: name, status, the four dates in order, serial."""
        self.check_keys("channel", meta, "channel")
        name = self.string("channel", meta, "name")
        if name != self.path.stem:
            raise self.fail(f"name {name!r} must match the file name {self.path.stem!r}", "channel", "name")
        status = self.string("channel", meta, "status")
        if status not in STATUSES:
            raise self.fail(f"status {status!r} is not one of {', '.join(STATUSES)}", "channel", "status")
        dates = {k: self.date("channel", meta, k) for k in ("freeze-date", "release-date", "bugfix-until", "security-until")}
        order = list(dates)
        for earlier, later in zip(order, order[1:]):
            if dates[earlier] > dates[later]:
                raise self.fail(
                    f"{later} ({dates[later]}) is before {earlier} ({dates[earlier]}); dates must be in order "
                    + " <= ".join(order),
                    "channel",
                    later,
                )
        serial = meta["serial"]
        if not isinstance(serial, int) or isinstance(serial, bool) or serial < 0:
            raise self.fail(f"serial must be a whole number >= 0, got {serial!r}", "channel", "serial")
        return name, status, dates, serial

    def pythons(self, py: Mapping[str, Any], freeze: _dt.date) -> tuple[tuple[str, ...], tuple[str, ...], str]:
        """[python]: the supported Pythons (alive at the freeze), the planned ones, the default."""
        self.check_keys("python", py, "python")
        supported = py["supported"]
        if not isinstance(supported, list) or not supported:
            raise self.fail("supported must be a non-empty list like [\"3.11\", \"3.12\"]", "python", "supported")
        pythons = tuple(self.python_version("python", "supported", v) for v in supported)
        if len(set(pythons)) != len(pythons) or list(pythons) != sorted(pythons, key=Version):
            raise self.fail("supported must list each Python once, oldest first", "python", "supported")
        planned = tuple(self.python_version("python", "planned", v) for v in py.get("planned", []))
        if set(planned) & set(pythons):
            raise self.fail("a Python cannot be both supported and planned", "python", "planned")
        lifecycle = python_lifecycle()
        for version in pythons:
            eol = lifecycle.get(version, {}).get("end-of-life")
            if eol is not None and eol <= freeze:
                raise self.fail(
                    f"Python {version} reached its end of life on {eol}, before the freeze date "
                    f"{freeze}; a channel supports only Pythons alive at its freeze",
                    "python",
                    "supported",
                )
        default = self.python_version("python", "default", py["default"])
        if default not in pythons:
            raise self.fail(f"default {default} is not in supported {list(pythons)}", "python", "default")
        return pythons, planned, default

    def extras(self, extras_data: Any) -> tuple[dict[str, dict[NormalizedName, str]], tuple[str, ...]]:
        """[extras]: each extra's packages and series, and the extras `all` names."""
        if not isinstance(extras_data, dict):
            raise self.fail("must be a table of extras", "extras")
        all_extras_raw = extras_data.get("all")
        extras: dict[str, dict[NormalizedName, str]] = {}
        for extra, packages in extras_data.items():
            if extra == "all":
                continue
            if not _EXTRA_NAME.match(extra):
                raise self.fail(f"extra name {extra!r} must be lower-case letters, digits and '-'", f"extras.{extra}")
            if not isinstance(packages, dict) or not packages:
                raise self.fail("an extra is a non-empty table of package = \"series\"", f"extras.{extra}")
            extras[extra] = self.series_table(f"extras.{extra}", packages)
        if not isinstance(all_extras_raw, list):
            raise self.fail("missing list all = [...] naming the extras of the 'all' extra", "extras", "all")
        for extra in all_extras_raw:
            if extra not in extras:
                raise self.fail(
                    f"'all' names unknown extra {extra!r}; known extras: {', '.join(sorted(extras))}",
                    "extras",
                    "all",
                )
        return extras, tuple(all_extras_raw)

    def one_series_each(self, groups: list[tuple[str, dict[NormalizedName, str]]]) -> dict[NormalizedName, tuple[str, str]]:
        """One package has one series across the whole channel; package -> (table, series)."""
        seen: dict[NormalizedName, tuple[str, str]] = {}
        for table, packages in groups:
            for pkg, ser in packages.items():
                if pkg in seen and seen[pkg][1] != ser:
                    raise self.fail(
                        f"{pkg} is frozen at {ser} here but at {seen[pkg][1]} in [{seen[pkg][0]}]; "
                        "one package has one series",
                        table,
                        self.display.get(pkg, pkg),
                    )
                seen.setdefault(pkg, (table, ser))
        return seen

    def exceptions(self, items: list[Any], seen: Mapping[NormalizedName, tuple[str, str]]) -> list[SeriesException]:
        """[[exceptions]]: a package allowed out of its series, on some Pythons, with the reason."""
        exceptions = []
        for i, item in enumerate(items):
            self.check_keys("exceptions", item, "exceptions", i)
            pkg = canonicalize_name(self.string("exceptions", item, "package", i))
            if pkg not in seen:
                raise self.fail(f"exception for {pkg!r}, which the channel does not freeze", "exceptions", "package", i)
            spec_text = item.get("python", "")
            try:
                spec = SpecifierSet(spec_text)
            except InvalidSpecifier:
                raise self.fail(f"python {spec_text!r} is not a version specifier like \">=3.13\"", "exceptions", "python", i) from None
            exceptions.append(
                SeriesException(
                    package=pkg,
                    series=self.series("exceptions", "series", item["series"], i),
                    python=spec,
                    reason=self.string("exceptions", item, "reason", i),
                )
            )
        return exceptions

    def decision_where(self, table: str, index: int) -> str:
        line = self.line_of(table, None, index)
        return f"{self.path}:{line}: [[{table}]][{index}]" if line else f"{self.path}: [[{table}]][{index}]"

    def decision_fail(self, message: str, table: str, key: str | None, index: int) -> ChannelError:
        """A one-line error naming the file, the line, the table's index and the key."""
        line = (self.line_of(table, key, index) if key else None) or self.line_of(table, None, index)
        where = f"{self.path}:{line}" if line else str(self.path)
        return ChannelError(f"{where}: [[{table}]][{index}]" + (f" {key}" if key else "") + f": {message}")

    def decisions(
        self, items: Any, seen: Mapping[NormalizedName, tuple[str, str]], exceptions: list[SeriesException],
        security_until: _dt.date,
    ) -> list[AdvisoryDecision]:  # fmt: skip
        """[[advisories]]: one decision per advisory affecting a pin, with reason, evidence and date."""
        table = "advisories"
        if not isinstance(items, list):
            raise self.fail("must be an array of tables: write [[advisories]] for each decision", table)
        decisions = []
        for i, item in enumerate(items):
            try:
                self.check_keys(table, item, table, i)
            except ChannelError as exc:  # the same message, with the entry's index
                raise ChannelError(str(exc).replace(f"[{table}]", f"[[{table}]][{i}]", 1)) from None

            def fail(message: str, key: str | None = None) -> ChannelError:
                return self.decision_fail(message, table, key, i)

            def text(key: str) -> str:
                value = item[key]
                if not isinstance(value, str) or not value.strip():
                    raise fail(f"must be a non-empty string, got {value!r}", key)
                return value.strip()

            def date(key: str) -> _dt.date:
                value = item[key]
                if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
                    raise fail(f"must be a date like 2026-12-01, got {value!r}", key)
                return value

            kind = text("decision")
            if kind not in DECISIONS:
                raise fail(f"{kind!r} is not one of {', '.join(DECISIONS)}", "decision")
            package = canonicalize_name(text("package"))
            if package not in seen:
                raise fail(f"decision for {package!r}, which the channel does not freeze", "package")
            evidence = item["evidence"]
            if not isinstance(evidence, list) or not evidence or not all(isinstance(e, str) and e.strip() for e in evidence):
                raise fail("must be a non-empty list of strings: links to the advisory, the fix, test names", "evidence")
            decided = date("decided")
            expires = version = patch = None
            if kind in EXPIRING_DECISIONS:
                if "expires" not in item:
                    raise fail(f"missing required key 'expires': a {kind} decision ends on a date (at the latest "
                               f"security-until, {security_until})")
                expires = date("expires")
                if expires <= decided:
                    raise fail(f"expires ({expires}) must be after decided ({decided})", "expires")
                if expires > security_until:
                    raise fail(f"expires ({expires}) is after the channel's security-until ({security_until}); "
                               "a decision cannot outlive the channel's security support", "expires")
                for key in ("version", "patch"):
                    if key in item:
                        raise fail(f"not used by a {kind} decision (only by fixed-in-series, backport, exception)", key)
            else:
                if "expires" in item:
                    raise fail(f"not used by a {kind} decision (only not-affected and accepted expire)", "expires")
                if "version" not in item:
                    raise fail("missing required key 'version': the release that fixes it"
                               + (" (the local build, like 3.0.6+lts2024.1)" if kind == "backport" else ""))
                version = self.decision_version(text("version"), kind, package, seen, exceptions, fail)
                if kind == "backport":
                    if "patch" not in item:
                        raise fail(f"missing required key 'patch': the patch file, or \"{PATCH_PENDING}\" while it is made")
                    patch = text("patch")
                    expected = f"channels/{self.path.stem}/patches/{package}/"
                    if patch != PATCH_PENDING and (not patch.startswith(expected) or not patch.endswith(".patch") or ".." in patch):
                        raise fail(f"{patch!r} is neither \"{PATCH_PENDING}\" nor a patch file {expected}<advisory>.patch", "patch")
                elif "patch" in item:
                    raise fail(f"not used by a {kind} decision (only a backport has a patch)", "patch")
            decisions.append(
                AdvisoryDecision(
                    id=text("id"), package=package, decision=kind, reason=text("reason"),
                    evidence=tuple(e.strip() for e in evidence), decided=decided, by=text("by"),
                    expires=expires, version=version, patch=patch, where=self.decision_where(table, i),
                )  # fmt: skip
            )
        return decisions

    def decision_version(
        self, text: str, kind: str, package: NormalizedName, seen: Mapping[NormalizedName, tuple[str, str]],
        exceptions: list[SeriesException], fail: Any,
    ) -> str:  # fmt: skip
        """A decision's `version`: a release inside the frozen series (fixed-in-series), a local
        build inside it (backport), or a release outside it (exception)."""
        try:
            version = Version(text)
        except InvalidVersion:
            raise fail(f"{text!r} is not a version", "version") from None
        frozen = seen[package][1]
        allowed = {frozen} | {e.series for e in exceptions if e.package == package}
        if kind == "backport" and not (version.local or "").startswith("lts"):
            raise fail(f"{text} is not a local build: a backport is built as <release>+lts<serial>, "
                       f"like 3.0.6+lts{self.path.stem}.1", "version")
        if kind != "backport" and version.local:
            raise fail(f"{text} is a local build; only a backport has one", "version")
        if kind in ("fixed-in-series", "backport") and not any(in_series(version, s) for s in allowed):
            raise fail(f"{text} is not inside the series {' or '.join(sorted(allowed))}; "
                       + ("a release of another series is an exception" if kind == "fixed-in-series" else "a backport is built on a release of the series"),
                       "version")  # fmt: skip
        if kind == "exception" and in_series(version, frozen):
            raise fail(f"{text} is inside the frozen series {frozen}: that is decision = \"fixed-in-series\"", "version")
        return str(version)

    def accepted_risks(self, items: list[Any], security_until: _dt.date) -> list[AdvisoryDecision]:
        """[[accepted-risks]] (the older form): read as decisions "accepted", without evidence."""
        risks = []
        for i, item in enumerate(items):
            self.check_keys("accepted-risks", item, "accepted-risks", i)
            decided = self.date("accepted-risks", item, "decided", i)
            expires = self.date("accepted-risks", item, "expires", i)
            if expires < decided:
                raise self.fail("expires is before decided", "accepted-risks", "expires", i)
            risks.append(
                AdvisoryDecision(
                    id=self.string("accepted-risks", item, "id", i),
                    package=canonicalize_name(self.string("accepted-risks", item, "package", i)),
                    decision="accepted",
                    reason=self.string("accepted-risks", item, "reason", i),
                    evidence=(),
                    decided=decided,
                    by=self.string("accepted-risks", item, "by", i),
                    expires=expires,
                    where=self.decision_where("accepted-risks", i),
                )
            )
        return risks

    def one_decision_each(self, decisions: list[AdvisoryDecision]) -> None:
        seen: dict[tuple[str, str], AdvisoryDecision] = {}
        for d in decisions:
            key = (d.id, d.package)
            if key in seen:
                raise ChannelError(f"{d.where} id: a second decision for {d.id} ({d.package}), first at "
                                   f"{seen[key].where}; one advisory gets one decision")
            seen[key] = d

    def series_choices(self, items: list[Any], seen: Mapping[NormalizedName, tuple[str, str]]) -> list[SeriesChoice]:
        """[[series-choices]]: the series (or release) chosen where canaries pass with another."""
        choices = []
        for i, item in enumerate(items):
            self.check_keys("series-choices", item, "series-choices", i)
            pkg = canonicalize_name(self.string("series-choices", item, "package", i))
            if pkg not in seen:
                raise self.fail(f"series choice for {pkg!r}, which the channel does not freeze", "series-choices", "package", i)
            series = seen[pkg][1]
            chosen = self.string("series-choices", item, "chosen", i)
            instead = self.string("series-choices", item, "instead-of", i)
            for key, text in (("chosen", chosen), ("instead-of", instead)):
                try:
                    Version(text)
                except InvalidVersion:
                    raise self.fail(f"{key} {text!r} is not a series or release", "series-choices", key, i) from None
            if not (chosen == series or in_series(chosen, series)):
                raise self.fail(
                    f"chosen {chosen!r} is not what the channel freezes ({pkg} series {series}): change the series or the choice",
                    "series-choices", "chosen", i,
                )  # fmt: skip
            if chosen == instead:
                raise self.fail("chosen and instead-of are the same", "series-choices", "instead-of", i)
            lists = {}
            for key in ("canaries", "tests", "evidence"):
                value = item[key]
                if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
                    raise self.fail(f"{key} must be a non-empty list of strings", "series-choices", key, i)
                lists[key] = tuple(value)
            choice = SeriesChoice(
                pkg, chosen, instead, lists["canaries"], lists["tests"], lists["evidence"],
                self.date("series-choices", item, "decided", i), self.string("series-choices", item, "reason", i),
                self.string("series-choices", item, "users", i) if "users" in item else "",
            )  # fmt: skip
            if choice.newer_chosen and not choice.users:
                raise self.fail(
                    "the newer one is chosen: say in users what the canaries' users should do", "series-choices", "users", i,
                )  # fmt: skip
            choices.append(choice)
        return choices

    def holds(self, items: list[Any], seen: Mapping[NormalizedName, tuple[str, str]]) -> list[Hold]:
        """[[held]]: a release of a frozen package refused for the canaries it regresses."""
        holds = []
        for i, item in enumerate(items):
            self.check_keys("held", item, "held", i)
            pkg = canonicalize_name(self.string("held", item, "package", i))
            if pkg not in seen:
                raise self.fail(f"hold for {pkg!r}, which the channel does not freeze", "held", "package", i)
            versions = {}
            for key in ("held-at", "refused"):
                text = self.string("held", item, key, i)
                try:
                    versions[key] = Version(text)
                except InvalidVersion:
                    raise self.fail(f"{key} {text!r} is not a version", "held", key, i) from None
            if versions["refused"] <= versions["held-at"]:
                raise self.fail("refused must be newer than held-at (a hold keeps the older release)", "held", "refused", i)
            lists = {}
            for key in ("canaries", "tests"):
                value = item[key]
                if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
                    raise self.fail(f"{key} must be a non-empty list of strings (the evidence)", "held", key, i)
                lists[key] = tuple(value)
            decided = self.date("held", item, "decided", i)
            review = self.date("held", item, "review", i)
            if review <= decided:
                raise self.fail("review must be after decided", "held", "review", i)
            holds.append(
                Hold(
                    pkg, str(versions["held-at"]), str(versions["refused"]), lists["canaries"], lists["tests"],
                    decided, review, self.string("held", item, "reason", i),
                )  # fmt: skip
            )
        return holds

