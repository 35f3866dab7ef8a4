"""The measurement of one project, and of a move: which breaks the suites show, which the scan
predicted, which findings were false, and which breaks `--fix` repaired."""

from __future__ import annotations

import datetime as _dt
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from .._exceptions import FlaskLTSError
from ..channel import Channel
from ..pythons import Interpreter
from ..verify import Options
from ..verify.stages.upstream.catalogue import load_catalogue
from ._run import SuiteRun, names_finding, original_frames, prepare, run_suite_under
from ._subjects import Subject

SCHEMA = "flask-lts-scan-measure/1"
FINDING_KEYS = ("path", "line", "rule", "package", "kind", "since", "message", "fixable")
Log = Callable[[str, str], None]


@dataclass
class Break:
    test: str
    message: str
    kind: str  # api | other | unclassified (no verdict written for it yet)
    cause: str = ""
    predicted_by: list[str] = field(default_factory=list)  # rules whose findings foretold it
    how: str = ""  # "traceback": a finding's line is in its traceback; "verdict": the verdict names the rule
    fixed: bool = False  # passes after scan --fix (a module or suite break: every test in it passes)
    # a module or suite break that --fix let through its first failure: the tests in it that fail then
    left: list[str] = field(default_factory=list)


@dataclass
class SubjectResult:
    name: str
    distribution: str
    version: str
    files: int = 0
    lines: int = 0
    scan_seconds: float = 0.0
    findings: list[dict] = field(default_factory=list)  # each with verdict: confirmed | false | not shown, and why
    fixed_findings: int = 0
    old: SuiteRun | None = None
    new: SuiteRun | None = None
    after_fix: SuiteRun | None = None  # None: --fix changed nothing, the new run stands for it
    fair: bool = False  # its suite passes under the old channel
    breaks: list[Break] = field(default_factory=list)
    fix_broke: list[str] = field(default_factory=list)  # tests that pass unfixed and fail fixed
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def counts(self) -> dict:
        api = [b for b in self.breaks if b.kind == "api"]
        return {
            "breaks": len(self.breaks), "api": len(api), "other": sum(1 for b in self.breaks if b.kind == "other"),
            "unclassified": sum(1 for b in self.breaks if b.kind == "unclassified"),
            "api_predicted": sum(1 for b in api if b.predicted_by),
            "predicted_other": sum(1 for b in self.breaks if b.kind != "api" and b.predicted_by),
            "findings": len(self.findings),
            "confirmed": sum(1 for f in self.findings if f["verdict"] == "confirmed"),
            "false": sum(1 for f in self.findings if f["verdict"] == "false"),
            "true_unshown": sum(1 for f in self.findings if f["verdict"] == "true"),
            "not_shown": sum(1 for f in self.findings if f["verdict"] == "not shown"),
            "own_package": sum(1 for f in self.findings if f["verdict"] == "own package"),
            "fixable": sum(1 for f in self.findings if f.get("fixable")),
            "fixed_by_fix": sum(1 for b in self.breaks if b.fixed),
            "api_fixed_by_fix": sum(1 for b in api if b.fixed),
        }  # fmt: skip


@dataclass
class Measurement:
    old: str
    new: str
    python: str
    interpreter: str
    started: str
    seconds: float = 0.0
    subjects: list[SubjectResult] = field(default_factory=list)

    def totals(self) -> dict:
        fair = [s for s in self.subjects if s.fair]
        total: dict = {"subjects": len(self.subjects), "fair": len(fair)}
        for s in fair:
            for key, value in s.counts().items():
                total[key] = total.get(key, 0) + value
        return total

    def to_json(self) -> dict:
        return {"schema": SCHEMA, "totals": self.totals(), **asdict(self)}

    @classmethod
    def from_json(cls, data: dict) -> "Measurement":
        subjects = []
        for s in data["subjects"]:
            runs = {k: SuiteRun(**s[k]) if s.get(k) else None for k in ("old", "new", "after_fix")}
            breaks = [Break(**b) for b in s["breaks"]]
            subjects.append(SubjectResult(**{**s, **runs, "breaks": breaks}))
        fields = {k: data[k] for k in ("old", "new", "python", "interpreter", "started", "seconds")}
        return cls(**fields, subjects=subjects)


def _module(test: str) -> str:
    """The dotted module of a node id (`tests/test_x.py::test_y` -> `tests.test_x`), as pytest
    names a test module that does not import; "" for an id that is not in a .py file."""
    path = test.split("::", 1)[0]
    return path[:-3].replace("/", ".") if path.endswith(".py") else ""


def _inside(test: str, brk: str) -> bool:
    """Whether `test` belongs to the break `brk`: itself, a test of the module `brk` that did not
    import, or any test when the suite as a whole (<suite>, <install>) did not run."""
    return test == brk or brk in ("<suite>", "<install>") or ("::" not in brk and _module(test) == brk)


def judge(subject: Subject, result: SubjectResult) -> None:
    """Breaks from the two runs, each matched to the findings (result.findings, the scan's);
    each finding's verdict. Runs again on a written report when verdicts change (--rejudge)."""
    if result.new is None or result.old is None:
        return
    findings = [{k: f[k] for k in FINDING_KEYS if k in f} for f in result.findings]
    result.breaks, result.fix_broke, result.findings = [], [], []
    before = set(result.old.failing)
    confirmed: dict[int, str] = {}
    for test, message in result.new.failing.items():
        if test in before:
            continue
        note = subject.failure_note(test)
        brk = Break(test, message, note.kind if note else "unclassified", note.cause if note else "")
        where = result.new.frames.get(test, [])
        for index, finding in enumerate(findings):
            if finding.get("package") != result.distribution and names_finding(where, finding):
                confirmed[index] = f"its line is in the traceback of {test}"
                if finding["rule"] not in brk.predicted_by:
                    brk.predicted_by.append(finding["rule"])
                brk.how = "traceback"
        if note and note.rule and not brk.predicted_by:
            hits = [i for i, f in enumerate(findings) if f["rule"] == note.rule and f.get("package") != result.distribution]
            if hits:
                brk.predicted_by, brk.how = [note.rule], "verdict"
                for i in hits:
                    confirmed.setdefault(i, f"the verdict on {test} names its rule")
        if result.after_fix is not None:
            # A module (or the suite) that imports after --fix is repaired only when its tests
            # pass too: a later link of the chain (an unfixable API) can fail them instead.
            brk.left = sorted(t for t in result.after_fix.failing if t != test and t not in before and _inside(t, test))
            brk.fixed = result.after_fix.status != "error" and test not in result.after_fix.failing and not brk.left
        result.breaks.append(brk)
    if result.after_fix is not None:
        # Tests inside a module or suite that did not run unfixed were not broken by --fix.
        hidden = [t for t in result.new.failing if t not in before and "::" not in t]
        result.fix_broke = sorted(
            t for t in result.after_fix.failing if t not in result.new.failing and t not in before and not any(_inside(t, h) for h in hidden)
        )  # fmt: skip
        # A module stops at its first failing import: once --fix has repaired that one, the
        # next shows in the run after the fix (its frames in the original's line numbers).
        for test in result.after_fix.failing:
            for index, finding in enumerate(findings):
                if index not in confirmed and finding.get("package") != result.distribution and names_finding(result.after_fix.frames.get(test, []), finding):
                    confirmed[index] = f"its line is in the traceback of {test} after --fix"
    for index, finding in enumerate(findings):
        note = subject.finding_note(finding["rule"], finding["path"], finding["line"])
        if finding.get("package") == result.distribution:
            # The subject is that package, at the same release in both runs: its own API does not move.
            verdict, why = "own package", f"about {result.distribution} itself, which stays at {result.version} in both runs"
        elif index in confirmed:
            verdict, why = "confirmed", confirmed[index]
        elif note:
            verdict, why = note.verdict, note.reason
        else:
            verdict, why = "not shown", "no failing test shows it (a deprecation, a change no test exercises, or code the suite does not run)"
        result.findings.append({**finding, "verdict": verdict, "why": why})


def measure_subject(
    subject: Subject, old: Channel, new: Channel, constraints: tuple[Path, Path], interpreter: Interpreter, options: Options, log: Callable[[str], None],
) -> SubjectResult:  # fmt: skip
    canary = subject.canary
    result = SubjectResult(subject.name, canary.distribution, subject.version)
    started = time.monotonic()
    catalogue = load_catalogue()
    try:
        prepared = prepare(subject, old.name, new.name, options, log)
        result.files, result.lines, result.scan_seconds = prepared.scan.files, prepared.lines, prepared.scan.seconds
        result.fixed_findings = prepared.fix.fixed if prepared.fix else 0
        result.old = run_suite_under(subject, old, constraints[0], prepared.sdist, interpreter, options, catalogue, old.name, log, new.name)
        log(f"under {old.name}: {result.old.status}, {result.old.passed} passed, {result.old.failed} failed")
        result.fair = result.old.status == "pass"
        if not result.fair:
            result.problems.append(f"its suite does not pass under {old.name}: not a fair subject" + (f" ({result.old.problems[0]})" if result.old.problems else ""))
        result.new = run_suite_under(subject, new, constraints[1], prepared.sdist, interpreter, options, catalogue, new.name, log, old.name)
        log(f"under {new.name}: {result.new.status}, {result.new.passed} passed, {result.new.failed} failed")
        if prepared.fixed_sdist is not None and (result.new.failing or result.new.status == "error"):
            result.after_fix = run_suite_under(
                subject, new, constraints[1], prepared.fixed_sdist, interpreter, options, catalogue, f"{new.name}-fixed", log, old.name,
            )  # fmt: skip
            log(f"under {new.name} after --fix: {result.after_fix.status}, {result.after_fix.passed} passed, {result.after_fix.failed} failed")
            # Findings carry the original's line numbers; the fixed copy's tracebacks are read in them.
            result.after_fix.frames = {t: original_frames(f, prepared.line_maps) for t, f in result.after_fix.frames.items()}
        if result.new.status == "error" and not result.new.failing:
            result.problems.append(f"its suite does not run under {new.name}: " + "; ".join(result.new.problems[:2]))
        result.findings = [{k: f[k] for k in FINDING_KEYS} for f in prepared.scan.findings]
        judge(subject, result)
    except FlaskLTSError as exc:
        result.problems.append(str(exc).splitlines()[0])
    result.seconds = round(time.monotonic() - started, 1)
    return result


def common_python(old: Channel, new: Channel) -> str:
    """The old channel's default Python when the new one supports it, else the newest both support."""
    if old.default_python in new.pythons:
        return old.default_python
    both = [p for p in old.pythons if p in new.pythons]
    if not both:
        raise FlaskLTSError(f"channels {old.name} and {new.name} share no Python")
    return max(both, key=lambda p: tuple(int(x) for x in p.split(".")))


def measure(
    subjects: Sequence[Subject], old: Channel, new: Channel, constraints: tuple[Path, Path], interpreter: Interpreter,
    options: Options, log: Log, save: Callable[[Measurement], object] | None = None,
) -> Measurement:  # fmt: skip
    """Every subject, one at a time (each runs up to three suites); `save` is called after
    each, so that an interrupted run keeps what it measured."""
    started = time.monotonic()
    run = Measurement(
        old.name, new.name, interpreter.version, f"{interpreter.full_version} ({interpreter.source})",
        _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
    )  # fmt: skip
    for subject in subjects:
        scope = f"{old.name}->{new.name} {subject.name} {subject.version}"
        log("start", scope)
        result = measure_subject(subject, old, new, constraints, interpreter, options, lambda m, s=scope: log(m, s))
        c = result.counts()
        predicted = sum(1 for b in result.breaks if b.predicted_by)
        log(f"done in {result.seconds:.0f}s: {c['breaks']} breaks ({predicted} predicted; {c['api']} judged api, {c['api_predicted']} of them predicted), "
            f"{c['findings']} findings ({c['false']} false), {c['fixed_by_fix']} fixed by --fix", scope)  # fmt: skip
        run.subjects.append(result)
        run.seconds = round(time.monotonic() - started, 1)
        if save is not None:
            save(run)
    return run
