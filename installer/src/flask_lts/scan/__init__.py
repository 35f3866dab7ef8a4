"""`flask-lts scan`: find the uses of APIs that are removed or behave differently
between two sets of versions (two channels, or what is installed and a channel), and
with `fix`, rewrite those that can be rewritten safely.

    from flask_lts.scan import scan, select_rules, CHANNELS
    report = scan(["src/"], select_rules(CHANNELS["2024"], CHANNELS["2026"]))

Standard library only (`ast`), one parse per file. Files that cannot be read or parsed
are reported and skipped; a fix is written through a temporary file and `os.replace`,
and only when the rewritten file parses again.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tempfile
import time
import tokenize
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence, Set, Tuple

from ._rule import DEPRECATED, REMOVED, Edit, Rule
from ._rules import RULES
from ._source import Module
from ._versions import CHANNELS, Versions, applies, installed

__all__ = ["CHANNELS", "RULES", "Finding", "Report", "Rule", "fix_source", "installed", "scan", "scan_source", "select_rules"]

SKIP_DIRS = {"__pycache__", "node_modules", "site-packages", ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv"}
FIX_PASSES = 3


class Finding(NamedTuple):
    path: str
    line: int
    col: int
    rule: str
    package: str
    since: str
    kind: str  # removed, deprecated or changed, as it applies between the two sets
    message: str
    replacement: str
    fixable: bool
    fixed: bool = False

    def as_dict(self) -> dict:
        return self._asdict()


class Report(NamedTuple):
    files: int
    skipped: List[Tuple[str, str]]
    findings: List[Finding]
    fixed: int
    seconds: float
    rules: int

    @property
    def remaining(self) -> List[Finding]:
        return [f for f in self.findings if not f.fixed]


class Selected(NamedTuple):
    rule: Rule
    kind: str  # what the user meets between the two sets: removed, deprecated, changed
    version: str  # the release of that


def select_rules(old: Versions, new: Versions, rules: Sequence[Rule] = RULES) -> List[Selected]:
    """The rules whose change lies between `old` and `new`: a removal (or change) when
    `old` is before its release and `new` at or after it; a deprecation when only the
    deprecating release lies between them."""
    chosen = []
    for rule in rules:
        if applies(rule.package, rule.since, old, new):
            chosen.append(Selected(rule, rule.kind, rule.since))
        elif rule.deprecated and applies(rule.package, rule.deprecated, old, new):
            chosen.append(Selected(rule, DEPRECATED, rule.deprecated))
    return chosen


# -- reading files ----------------------------------------------------------------


def iter_files(paths: Sequence[str]) -> Iterator[Tuple[str, Optional[str]]]:
    """(path, None) for each Python file under `paths`, (path, reason) for each path
    that cannot be scanned. Symbolic links to directories are not followed (os.walk);
    a directory reached twice (a loop through a named path) is skipped."""
    seen_dirs: Set[Tuple[int, int]] = set()
    seen_files: Set[Tuple[int, int]] = set()
    for top in paths:
        if os.path.isfile(top) or (os.path.exists(top) and not os.path.isdir(top)):
            yield from _file(top, seen_files)
            continue
        if not os.path.isdir(top):
            yield top, "no such file or directory" if not os.path.lexists(top) else "a broken or looping symbolic link"
            continue
        errors: List[OSError] = []
        for root, dirs, files in os.walk(top, followlinks=False, onerror=errors.append):
            try:
                st = os.stat(root)
            except OSError as exc:
                yield root, f"unreadable ({exc.strerror})"
                dirs[:] = []
                continue
            if (st.st_dev, st.st_ino) in seen_dirs:
                dirs[:] = []
                continue
            seen_dirs.add((st.st_dev, st.st_ino))
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
            for name in sorted(files):
                if name.endswith(".py"):
                    yield from _file(os.path.join(root, name), seen_files)
            for name in sorted(d for d in dirs if d.endswith(".py")):
                yield os.path.join(root, name), "a directory, not a file"
        for exc in errors:
            yield exc.filename or top, f"unreadable ({exc.strerror})"


def _file(path: str, seen: Set[Tuple[int, int]]) -> Iterator[Tuple[str, Optional[str]]]:
    try:
        st = os.stat(path)
    except OSError as exc:
        yield path, "a broken or looping symbolic link" if os.path.islink(path) else f"unreadable ({exc.strerror})"
        return
    if (st.st_dev, st.st_ino) in seen:
        return
    seen.add((st.st_dev, st.st_ino))
    yield path, None


class Source(NamedTuple):
    text: str
    encoding: str


def read_source(path: str) -> Tuple[Optional[Source], Optional[str]]:
    """The decoded text of a file, or why it cannot be scanned."""
    import stat

    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            return None, "not a regular file"
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return None, f"unreadable ({exc.strerror})"
    if b"\0" in data:
        return None, "binary (contains NUL bytes)"
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return Source(data.decode(encoding), encoding), None
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None, "not text in its declared encoding"


def parse(source: str, path: str) -> Tuple[Optional[Module], Optional[str]]:
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        hint = " (Python 2 code?)" if re.search(r"^\s*print\s+[^(\s=]|^\s*exec\s+\S|except\s+\w+\s*,\s*\w+\s*:", source, re.M) else ""
        return None, f"does not parse: line {exc.lineno}: {exc.msg}{hint}"
    except (ValueError, RecursionError, MemoryError) as exc:
        return None, f"does not parse: {type(exc).__name__}"
    return Module(source, tree, path), None


# -- checking -----------------------------------------------------------------------


def scan_source(module: Module, rules: Sequence[Selected]) -> Tuple[List[Finding], List[Tuple[Edit, ...]]]:
    """The findings in one parsed file, and each finding's edits (parallel lists)."""
    findings, edits = [], []
    for selected in rules:
        rule = selected.rule
        if rule.triggers and not module.mentions(*rule.triggers):
            continue
        for hit in rule.check(module):
            findings.append(Finding(
                module.path, hit.line, hit.col, rule.id, rule.package,
                rule.since if hit.kind else selected.version, hit.kind or selected.kind,
                hit.message, hit.replacement, bool(hit.edits),
            ))  # fmt: skip
            edits.append(hit.edits)
    order = sorted(range(len(findings)), key=lambda i: (findings[i].line, findings[i].col, findings[i].rule))
    return [findings[i] for i in order], [edits[i] for i in order]


def apply_edits(source: str, edits: Sequence[Edit]) -> Tuple[str, Set[Edit]]:
    """`source` with every non-overlapping edit applied (the first of two that overlap
    wins; the other waits for the next pass), and the set of edits applied."""
    applied: List[Edit] = []
    last_end = -1
    for edit in sorted(set(edits)):
        if edit.start < last_end:
            continue
        applied.append(edit)
        last_end = max(last_end, edit.end)
    out = source
    for edit in reversed(applied):
        out = out[:edit.start] + edit.text + out[edit.end:]
    return out, set(applied)


def write_atomic(path: str, text: str, encoding: str) -> None:
    """Write through a temporary file in the same directory and rename it over `path`."""
    directory = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=".flask-lts-scan.", suffix=".py", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def fix_source(module: Module, rules: Sequence[Selected]) -> Tuple[str, List[Finding]]:
    """The text of `module` with every safe fix applied (in up to FIX_PASSES passes, as
    edits that overlap wait for the next one) and its findings, fixed ones marked.
    Raises SyntaxError when the rewritten text does not parse: nothing may be written."""
    first, _ = scan_source(module, rules)
    text, path = module.source, module.path
    fixed: Dict[Tuple[str, str], int] = {}
    for _ in range(FIX_PASSES):
        findings, edits = scan_source(module, rules)
        wanted = [e for group in edits for e in group]
        if not wanted:
            break
        new_text, applied = apply_edits(text, wanted)
        try:
            module = Module(new_text, ast.parse(new_text, filename=path), path)
        except ValueError as exc:
            raise SyntaxError(str(exc)) from None
        for finding, group in zip(findings, edits):
            if group and set(group) <= applied:
                key = (finding.rule, finding.message)
                fixed[key] = fixed.get(key, 0) + 1
        text = new_text
    out = []
    for finding in first:  # mark as many findings fixed as each rule fixed with that message
        key = (finding.rule, finding.message)
        if finding.fixable and fixed.get(key):
            fixed[key] -= 1
            finding = finding._replace(fixed=True)
        out.append(finding)
    return text, out


def _fix_file(path: str, source: Source, module: Module, rules: Sequence[Selected]) -> Tuple[List[Finding], Optional[str]]:
    try:
        text, found = fix_source(module, rules)
    except SyntaxError:
        return scan_source(module, rules)[0], "a fix would not parse; file left unchanged"
    if text == source.text:
        return found, None
    try:
        write_atomic(path, text, source.encoding)
    except OSError as exc:
        return scan_source(module, rules)[0], f"cannot write the fix ({exc.strerror})"
    return found, None


def scan(paths: Sequence[str], rules: Sequence[Selected], fix: bool = False) -> Report:
    """Scan every Python file under `paths` with `rules`; with `fix`, rewrite in place
    what the rules can rewrite."""
    started = time.perf_counter()
    files, skipped, findings = 0, [], []
    for path, reason in iter_files(paths):
        if reason is None:
            source, reason = read_source(path)
        if reason is None:
            assert source is not None
            module, reason = parse(source.text, path)
        if reason is not None:
            skipped.append((path, reason))
            continue
        files += 1
        assert module is not None and source is not None
        if fix:
            found, problem = _fix_file(path, source, module, rules)
            if problem:
                skipped.append((path, problem))
        else:
            found, _ = scan_source(module, rules)
        findings.extend(found)
    fixed = sum(1 for f in findings if f.fixed)
    return Report(files, skipped, findings, fixed, time.perf_counter() - started, len(rules))


# -- output -------------------------------------------------------------------------


def describe(finding: Finding) -> str:
    verb = {REMOVED: "removed in", DEPRECATED: "deprecated in"}.get(finding.kind, "changed in")
    return f"{finding.message}: {verb} {finding.package} {finding.since}"


def render(report: Report) -> str:
    lines = []
    for f in report.findings:
        state = " [fixed]" if f.fixed else (" [fixable]" if f.fixable else "")
        lines.append(f"{f.path}:{f.line}:{f.col}: {describe(f)}; instead: {f.replacement} ({f.rule}){state}")
    for path, reason in report.skipped:
        lines.append(f"{path}: skipped: {reason}")
    lines.append(summary(report))
    return "\n".join(lines)


def summary(report: Report) -> str:
    reasons: Dict[str, int] = {}
    for _, reason in report.skipped:
        key = reason.split(":")[0].split(" (")[0]
        reasons[key] = reasons.get(key, 0) + 1
    skipped = f", {len(report.skipped)} skipped (" + ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())) + ")" if report.skipped else ""
    fixable = sum(1 for f in report.remaining if f.fixable)
    return (
        f"scanned {report.files} files{skipped} with {report.rules} rules in {report.seconds:.2f} s: "
        f"{len(report.findings)} findings, {report.fixed} fixed, {len(report.remaining)} left ({fixable} fixable)"
    )


def as_json(report: Report) -> dict:
    return {
        "files": report.files, "skipped": [{"path": p, "reason": r} for p, r in report.skipped],
        "findings": [f.as_dict() for f in report.findings], "fixed": report.fixed,
        "remaining": len(report.remaining), "seconds": round(report.seconds, 3), "rules": report.rules,
    }  # fmt: skip


def channel_versions(name: str) -> Versions:
    """A channel's versions, by name."""
    from .._exceptions import UsageError

    if name not in CHANNELS:
        raise UsageError(f"unknown channel {name!r}: the scan knows {', '.join(sorted(CHANNELS))}")
    return CHANNELS[name]

