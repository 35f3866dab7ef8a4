"""The projects `scan-measure` runs: the canaries of the FROM channel (channels/canaries/registry.toml), whether or not they run on TO,
and the older projects of channels/canaries/scan-subjects.toml (canary-format entries, with the
release that works on FROM), each with what a maintainer read in its failures and findings:
`[[verdict.<name>.failure]]` (which failing tests are an API change, which are not, and why)
and `[[verdict.<name>.finding]]` (findings the suites show to be false, or true where no test can show them apart)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from .. import _layout as layout
from .._exceptions import CanaryError
from .._toml import tomllib
from ..canaries import Canary, load_canaries
from ..canaries._registry import parse_canary

SUBJECTS = layout.SCAN_SUBJECTS
KINDS = ("api", "other")
_FAILURE_KEYS = {"test", "kind", "cause", "rule"}
_FINDING_KEYS = {"rule", "path", "reason", "verdict"}
FINDING_VERDICTS = ("false", "true")


@dataclass(frozen=True)
class FailureNote:
    test: str  # a node id or an fnmatch pattern
    kind: str  # api: the move changed an API the code uses; other: anything else
    cause: str
    rule: str = ""  # the scan rule that covers it, when the location match cannot show it


@dataclass(frozen=True)
class FindingNote:
    rule: str
    path: str  # fnmatch pattern on the finding's path, optionally with :line
    verdict: str  # false: a false prediction; true: a real break no test can show apart from another
    reason: str


@dataclass
class Subject:
    canary: Canary
    version: str
    failures: list[FailureNote] = field(default_factory=list)
    findings: list[FindingNote] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.canary.name

    def failure_note(self, test: str) -> FailureNote | None:
        return next((n for n in self.failures if fnmatch.fnmatchcase(test, n.test)), None)

    def finding_note(self, rule: str, path: str, line: int) -> FindingNote | None:
        return next(
            (n for n in self.findings if fnmatch.fnmatchcase(rule, n.rule) and (fnmatch.fnmatchcase(path, n.path) or fnmatch.fnmatchcase(f"{path}:{line}", n.path))),
            None,
        )  # fmt: skip


def _notes(path: Path, name: str, entry: Mapping) -> tuple[list[FailureNote], list[FindingNote]]:
    unknown = set(entry) - {"failure", "finding"}
    if unknown:
        raise CanaryError(f"{path} [verdict.{name}]: unknown key(s) {', '.join(sorted(unknown))}")
    failures, findings = [], []
    for item in entry.get("failure", []):
        if set(item) - _FAILURE_KEYS or item.get("kind") not in KINDS or not item.get("test") or not item.get("cause"):
            raise CanaryError(f"{path} [verdict.{name}.failure]: needs test, kind ({' or '.join(KINDS)}) and cause, and nothing else but rule")
        failures.append(FailureNote(item["test"], item["kind"], item["cause"], item.get("rule", "")))
    for item in entry.get("finding", []):
        if set(item) - _FINDING_KEYS or not all(item.get(k) for k in _FINDING_KEYS) or item["verdict"] not in FINDING_VERDICTS:
            raise CanaryError(f"{path} [verdict.{name}.finding]: needs rule, path, verdict ({' or '.join(FINDING_VERDICTS)}) and reason")
        findings.append(FindingNote(item["rule"], item["path"], item["verdict"], item["reason"]))
    return failures, findings


def load_subjects(
    old: str, new: str, names: list[str] | None = None, path: Path = SUBJECTS, registry: Path = layout.CANARIES,
) -> list[Subject]:  # fmt: skip
    """The projects for the move old -> new: the registry's canaries that run on `old` (at
    their release there) and the subjects file's projects that name `old`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CanaryError(f"{path}: cannot read the scan subjects ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CanaryError(f"{path}: not valid TOML ({exc}); fix the file") from None
    unknown = set(data) - {"subject", "verdict"}
    if unknown:
        raise CanaryError(f"{path}: unknown table(s) {', '.join(sorted(unknown))}; the file holds [subject.<name>] and [verdict.<name>]")
    registered = load_canaries(registry)
    own = [parse_canary(n, e, path) for n, e in data.get("subject", {}).items()]
    notes = {name: _notes(path, name, entry) for name, entry in data.get("verdict", {}).items()}  # every verdict checked
    stray = set(notes) - {c.name for c in registered + own}
    if stray:
        raise CanaryError(f"{path}: [verdict.{sorted(stray)[0]}] names no subject nor canary; the verdict's name is the subject's")
    # A canary the registry no longer runs on the new channel (flask-accepts) still measures the move.
    canaries = [c for c in registered if old in c.versions and c.source == "sdist"] + own
    canaries = [c for c in canaries if old in c.versions]
    known = {c.name for c in canaries}
    for name in names or []:
        if name not in known:
            raise CanaryError(f"no scan subject named {name!r} for {old} -> {new}; there are {', '.join(sorted(known))}")
    subjects = []
    for canary in canaries:
        if names and canary.name not in names:
            continue
        failures, findings = notes.get(canary.name, ([], []))
        subjects.append(Subject(canary, canary.versions[old], failures, findings))
    return subjects
