"""What a verification is about and what it found: the pinned set, and the results of its stages.

Plain data; every stage and every report builds on it, and it depends on no stage.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from packaging.utils import NormalizedName

from .._exceptions import ConstraintsError
from ..channel import Channel
from ..constraints import Pin, pins_for, read_pins


@dataclass
class Problem:
    message: str
    package: str | None = None
    module: str | None = None
    test: str | None = None
    # A failing test's class (verify/_classify.py): break | test-harness | environment | spurious,
    # and the rule that decided it ("" for a break no rule took out). None: not a test.
    kind: str | None = None
    rule: str = ""
    # what ended a failing test (verify/_classify.py cause()): compared with the baseline's run
    cause: str = ""


@dataclass
class WarningRecord:
    category: str
    message: str
    origin: str  # the package (or app file) whose code raised it
    location: str  # file:line
    count: int = 1


@dataclass
class StageResult:
    name: str
    status: str  # pass | fail | error | skip
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[WarningRecord] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    # Failing tests that are not breaks (test-harness, environment, spurious): listed, not
    # counted; --strict moves them into `problems`.
    not_counted: list[Problem] = field(default_factory=list)


@dataclass
class VerifyResult:
    set_name: str
    source: str
    python: str
    interpreter: str
    started: str
    seconds: float = 0.0
    stages: list[StageResult] = field(default_factory=list)

    @property
    def status(self) -> str:
        statuses = {s.status for s in self.stages if s.status != "skip"}
        return "fail" if statuses & {"fail", "error"} else ("pass" if statuses else "skip")

    def to_json(self) -> dict:
        data = asdict(self)
        for stage in data["stages"]:
            if not stage["not_counted"]:
                del stage["not_counted"]  # only when there are some: reports stay as compact as before
            for problem in [*stage["problems"], *stage.get("not_counted", [])]:
                if problem["kind"] is None:
                    del problem["kind"]
                if not problem["rule"]:
                    del problem["rule"]
                if not problem.get("cause"):
                    problem.pop("cause", None)
        data = {"schema": 1, "status": self.status, **data}
        return data


@dataclass
class PinnedSet:
    """A fully pinned set to verify: a channel's constraints file or any name==version file."""

    name: str
    path: Path
    pins: list[Pin]
    channel: Channel | None = None
    # What pip reads instead of `path` when the set's own index is served on this machine (a
    # copy of `path` pointed at it: backports/_local.py, local_constraints); `path` stays the
    # source the reports name.
    install_from: Path | None = None

    @property
    def pip_constraints(self) -> Path:
        """The file pip's `-c` reads."""
        return (self.install_from or self.path).resolve()

    def for_python(self, python: str) -> dict[NormalizedName, Pin]:
        return pins_for(self.pins, python)

    def packages_to_install(self, python: str) -> list[str]:
        """A channel installs everything users can name (core and every extra);
        a pinned set installs every line that applies on this Python."""
        if self.channel is not None:
            return list(self.channel.top_packages())
        return [f"{name}[{','.join(pin.extras)}]" if pin.extras else name for name, pin in sorted(self.for_python(python).items())]

    @property
    def has_extras(self) -> bool:
        """A requirements file's `name[extra]==version` lines: pip takes them as requirements,
        never in a constraints file (verify/_run.py writes it a copy without them)."""
        return any(p.extras for p in self.pins)


def load_set(path: Path, channel: Channel | None = None, name: str | None = None) -> PinnedSet:
    # a user's set may be a requirements file with extras (pip-compile keeps them); a channel's
    # constraints never carry any
    pins = read_pins(path, extras=channel is None)
    if not pins:
        raise ConstraintsError(f"{path}: no name==version lines; nothing to verify")
    return PinnedSet(name or (channel.name if channel else path.stem), path, pins, channel)
