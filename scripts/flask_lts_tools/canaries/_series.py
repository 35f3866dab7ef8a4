"""Does the series a channel freezes suit its canaries? (docs/canaries.md, "Series choices")

A new channel moves many packages to a newer series at once, so a canary that passes on the
previous channel and fails on the new one cannot be bisected pin by pin (a mix of two
channels' pins seldom installs). Instead each suspect package is taken back to the series the
other channel froze, one at a time, and the rest of the new channel is resolved around it
(uv, the channel's own input with that one series changed). Where the canary's failing tests
pass that way, that package's series choice is what breaks the canary; where the older
series cannot be combined with the rest of the channel, that is evidence too.

Suspects are tried in a useful order: packages the failure's text names first (an
ImportError names its module), then the rest of the packages whose series differ, up to a
limit. `series_check(...)` gives one `SeriesFinding` per canary that fails on the channel and
passes on the other.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from packaging.specifiers import SpecifierSet
from packaging.utils import NormalizedName

from .._exceptions import FlaskLTSError
from ..channel import Channel, SeriesException
from ..constraints import Pin
from ..pythons import Interpreter
from ..verify import Options
from ..verify.stages.upstream.catalogue import Catalogue
from ._registry import Canary
from ._verdict import _failing_under

Log = Callable[[str], None]

LIMIT = 12  # suspects tried per canary
MAX_COMPANIONS = 8  # packages taken back with a suspect whose older series does not fit alone
COMPANION_ROUNDS = 4


@dataclass
class SeriesFinding:
    canary: str
    version: str
    tests: list[str]
    culprit: str | None = None  # the package whose newer series breaks the canary
    new_series: str | None = None
    old_series: str | None = None
    old_version: str | None = None  # what the resolver took inside the older series
    steps: int = 0
    tried: list[str] = field(default_factory=list)  # "package old-series: outcome"
    companions: list[str] = field(default_factory=list)  # "package series": what had to go back with it


_CLOSURE = """
import importlib.metadata as m, json, sys
from collections import deque
def norm(n): return n.lower().replace("_", "-").replace(".", "-")
dists = {norm(d.metadata["Name"]): d for d in m.distributions()}
start = norm(sys.argv[1]); depth = {start: 0}; todo = deque([start])
while todo:
    name = todo.popleft(); dist = dists.get(name)
    for req in (dist.requires or []) if dist else []:
        if "extra ==" in req: continue
        dep = norm(req.split(";")[0].replace("(", " ").replace("[", " ").split()[0].rstrip("<>=!~,"))
        for sep in "<>=!~":
            dep = dep.split(sep)[0]
        if dep in dists and dep not in depth:
            depth[dep] = depth[name] + 1; todo.append(dep)
print(json.dumps(depth))
"""


def closure(python: Path, distribution: str) -> dict[str, int] | None:
    """What the canary's environment holds that it depends on, with the distance (1: a direct
    requirement); None when it cannot be read."""
    import json
    import subprocess

    try:
        proc = subprocess.run([str(python), "-c", _CLOSURE, distribution], capture_output=True, text=True, timeout=60)
        return json.loads(proc.stdout) if proc.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None


def suspects(
    channel: Channel, other: Channel, pins: Mapping[NormalizedName, Pin], other_pins: Mapping[NormalizedName, Pin],
    python: str, failure_text: str, depth: Mapping[str, int] | None = None,
) -> list[tuple[NormalizedName, str]]:  # fmt: skip
    """(package, what to take it back to) for every package pinned differently on `python`:
    the other channel's series where the series differ, else its exact release (a patch
    release inside one series). With `depth` (the canary's dependency closure), only what
    the canary depends on, nearest first; those the failure's text names come first."""
    moves = []
    for name in sorted(pins):
        theirs, ours = other.allowed_series(name, python), channel.allowed_series(name, python)
        if not theirs or name not in other_pins:
            continue
        if theirs != ours:
            moves.append((name, theirs))
        elif other_pins[name].version != pins[name].version:
            moves.append((name, other_pins[name].version))
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.-]*", failure_text.lower()))
    modules = {w.split(".")[0].replace("_", "-") for w in words}

    def named(name: str) -> bool:
        return name in modules or name.replace("-", "_") in words

    if depth is not None:
        moves = sorted((m for m in moves if m[0] in depth), key=lambda m: (depth[m[0]], m[0]))
    return [m for m in moves if named(m[0])] + [m for m in moves if not named(m[0])]


def with_older_series(channel: Channel, package: str, series: str) -> Channel:
    """The channel with one package frozen at another series (as an exception, every Python)."""
    exception = SeriesException(package, series, SpecifierSet(), "series check against another channel")
    return dataclasses.replace(channel, exceptions=(exception, *channel.exceptions))


def series_culprit(
    canary: Canary, version: str, tests: Sequence[str], failure_text: str, channel: Channel, other: Channel,
    pins: Mapping[NormalizedName, Pin], other_pins: Mapping[NormalizedName, Pin], interpreter: Interpreter, uv: Path,
    options: Options, catalogue: Catalogue, log: Log, limit: int = LIMIT,
) -> SeriesFinding:  # fmt: skip
    """Take each suspect back to `other`'s series (or release), one at a time, until the tests pass."""
    from ..resolve import compile_python_uv

    python = interpreter.version
    finding = SeriesFinding(canary.name, version, list(tests))
    venv = options.workdir.resolve() / f"canary-{channel.name}-py{python}-{canary.name}" / "venv" / "bin" / "python"
    depth = closure(venv, canary.distribution) if venv.exists() else None
    if depth is None:
        log(f"{canary.name}: its environment under {channel.name} cannot be read; every differing package is a suspect")
    moves = suspects(channel, other, pins, other_pins, python, failure_text, depth)
    back = dict(suspects(channel, other, pins, other_pins, python, ""))  # every differing package -> the other channel's
    for name, old in moves[:limit]:
        new = channel.allowed_series(name, python) if old == other.allowed_series(name, python) else pins[name].version
        variant = with_older_series(channel, name, old)
        finding.steps += 1
        companions: list[str] = []
        try:
            resolved = compile_python_uv(variant, interpreter, uv, log)
        except FlaskLTSError as exc:
            # The older series does not fit the rest of the channel: take back with it the
            # packages the resolver names (a newer flask-marshmallow requiring marshmallow 4).
            message = str(exc)
            resolved, taken, error = None, [], message
            for _ in range(COMPANION_ROUNDS):  # each failed resolution names what else must go back
                named = [
                    n for n in back
                    if n != name and n not in taken and re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", error, re.I)
                ]  # fmt: skip
                if not named or len(taken) + len(named) > MAX_COMPANIONS:
                    break
                for other_name in named:
                    variant = with_older_series(variant, other_name, back[other_name])
                taken += named
                try:
                    resolved = compile_python_uv(variant, interpreter, uv, log)
                    companions = [f"{n} {back[n]}" for n in taken]
                    break
                except FlaskLTSError as again:
                    error = str(again)
            if resolved is None:
                finding.tried.append(f"{name} {old}: does not resolve with the rest of the channel ({message.split(': ')[-1][:160]})")
                continue
        failing = _failing_under(
            canary, version, resolved.resolution.pins, f"{channel.name}-series-{name}", channel, tests, interpreter, options, catalogue, log,
        )  # fmt: skip
        with_ = f" (with {', '.join(companions)}, which the resolver named)" if companions else ""
        if failing is None:
            finding.tried.append(f"{name} {old}{with_}: the canary does not run")
            continue
        if failing:
            finding.tried.append(f"{name} {old}{with_}: still fails")
            continue
        finding.tried.append(f"{name} {old}{with_}: passes")
        finding.culprit, finding.new_series, finding.old_series, finding.companions = str(name), new, old, companions
        finding.old_version = resolved.resolution.pins[name].version if name in resolved.resolution.pins else None
        log(f"{canary.name}: passes with {name} {old}.* ({finding.old_version}) instead of {new}.*{with_}")
        return finding
    log(f"{canary.name}: no single series change among {finding.steps} tried explains the failure")
    return finding
