"""What a channel page shows of its canaries: one table per Python, from
`reports/canaries/<channel>/py<X.Y>.json` (shard reports are not read: their merge is)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import _layout as layout
from .._exceptions import CanaryError
from ..canaries._report import culprit_text, load_run, outcome


@dataclass(frozen=True)
class CanaryRow:
    name: str
    version: str
    status: str  # one of canaries.OUTCOMES: pass, regressed, broken, spurious, failed, error, not run
    passed: int
    failed: int
    seconds: float
    culprit: str = ""  # "package baseline -> candidate", for a regression whose culprit was found
    note: str = ""  # the first failing test, the error, or why it did not run


@dataclass(frozen=True)
class CanaryTable:
    """The canary report of one Python, or `status == "unreadable report"` with no rows."""

    python: str
    status: str
    started: str | None = None
    serial: str = ""
    baseline: str = ""
    rows: tuple[CanaryRow, ...] = ()

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.rows)


def _note(text: str, limit: int = 160) -> str:
    stripped = text.strip()
    line = stripped.splitlines()[0] if stripped else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def read_canary_tables(channel: str, reports_dir: Path) -> tuple[CanaryTable, ...]:
    """Every canary report of the channel, by Python; () when there is none."""
    tables = []
    for python, path in layout.canary_report_files(channel, reports_dir).items():
        try:
            run = load_run(path)
        except CanaryError:
            tables.append(CanaryTable(python, "unreadable report"))
            continue
        verdicts = {v.get("canary"): v for v in run.verdicts if isinstance(v, dict)}
        rows = []
        for result in run.canaries:
            verdict = verdicts.get(result.name)
            status = outcome(result, verdict)
            if status == "not run":
                note = result.notes[0].removeprefix("not run: ") if result.notes else ""
            elif status == "regressed":
                note = (verdict or {}).get("regressed", [""])[0]
            elif result.failing:
                note = result.failing[0]
            elif result.problems:
                note = result.problems[0].get("message", "")
            elif status == "spurious":
                note = f"passed when rerun alone: {(verdict or {}).get('spurious', [''])[0]}"
            else:
                note = ""
            rows.append(CanaryRow(
                result.name, result.version, status, result.passed, result.failed + result.errors, result.seconds,
                culprit_text(verdict) if status == "regressed" else "", _note(note),
            ))  # fmt: skip
        tables.append(CanaryTable(python, run.status, run.started[:10] or None, run.serial, run.baseline, tuple(rows)))
    return tuple(tables)
