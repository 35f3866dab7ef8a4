"""How the verifier runs pytest for sets whose packages need it (resources/harness.toml):
extra arguments for the compat apps' run and the packages' own suites, each rule with the
versions it is for, why, and where upstream says so. Knowledge about versions, as data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from .._exceptions import FlaskLTSError
from .._resources import HARNESS
from .._toml import tomllib

STAGES = {"apps", "upstream"}  # the stages that run pytest


@dataclass(frozen=True)
class HarnessRule:
    """resources/harness.toml [[pytest-args]]: extra pytest arguments, in the runs of `stages`,
    for sets whose package is at `when`, with why and where upstream says so."""

    when: Requirement
    stages: tuple[str, ...]
    args: tuple[str, ...]
    why: str
    sources: tuple[str, ...]


def load_harness_rules(path: Path = HARNESS) -> list[HarnessRule]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FlaskLTSError(f"{path}: unreadable harness rules ({exc})") from None
    rules = []
    for number, entry in enumerate(data.get("pytest-args", []), start=1):
        where = f"{path} [[pytest-args]] #{number}"
        unknown = set(entry) - {"when", "stages", "args", "why", "sources"}
        if unknown:
            raise FlaskLTSError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        missing = [k for k in ("when", "stages", "args", "why", "sources") if not entry.get(k)]
        if missing:
            raise FlaskLTSError(f"{where}: missing {', '.join(missing)} (every rule says when, where, what, why and where upstream says so)")
        if not all(isinstance(entry[k], list) and all(isinstance(x, str) for x in entry[k]) for k in ("stages", "args", "sources")):
            raise FlaskLTSError(f"{where}: stages, args and sources must be lists of strings")
        if set(entry["stages"]) - STAGES:
            raise FlaskLTSError(f"{where} stages: {', '.join(sorted(set(entry['stages']) - STAGES))} runs no pytest (use {', '.join(sorted(STAGES))})")
        try:
            when = Requirement(entry["when"])
        except InvalidRequirement as exc:
            raise FlaskLTSError(f"{where} when: {entry['when']!r} is not a requirement ({str(exc).splitlines()[0]})") from None
        if not str(when.specifier):
            raise FlaskLTSError(f"{where} when: {entry['when']!r} names no versions")
        rules.append(HarnessRule(when, tuple(entry["stages"]), tuple(entry["args"]), entry["why"], tuple(entry["sources"])))
    return rules


def harness_args(rules: Sequence[HarnessRule], installed: Mapping[str, str], stage: str) -> tuple[list[str], list[str]]:
    """(the pytest arguments of the rules of this stage that the set meets, and for each of
    those rules its requirement and why, for the report)."""
    args, applied = [], []
    for rule in (r for r in rules if stage in r.stages):
        version = installed.get(canonicalize_name(rule.when.name))
        if version is not None and rule.when.specifier.contains(version, prereleases=True):
            args += [a for a in rule.args if a not in args]
            applied.append(f"{' '.join(rule.args)} ({rule.when.name} {version} {rule.when.specifier}): {rule.why}")
    return args, applied
