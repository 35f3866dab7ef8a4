"""Verification reports: one JSON file per (set, Python), a Markdown summary next to them,
and `merge` to combine results that CI produced on separate machines."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from packaging.version import Version

from ._exceptions import ReportError
from ._files import atomic_write
from .verify._model import VerifyResult, WarningRecord
from .verify._warnings import merge_warnings
from .verify.stages import stage_names
from . import _layout as layout



def report_path(reports_dir: Path, set_name: str, python: str) -> Path:
    return layout.report_file(set_name, python, reports_dir)


_SITE_PACKAGES = re.compile(r"(?:/[^\s\"':]+)+/(site-packages/)")


_PYENV_PREFIX = re.compile(r"[^\s\"']*/\.pyenv/versions/[^/\s\"']+/")


def portable(text: str) -> str:
    """Reports are published: no absolute paths of the machine that made them.
    site-packages paths keep only what follows site-packages/, the work folder
    becomes <work>, the repository ., the home folder ~, and a pyenv interpreter's
    prefix <python> (the interpreter's version is in the report already)."""
    text = _SITE_PACKAGES.sub(r"\1", text)
    text = _PYENV_PREFIX.sub("<python>/", text)
    work = str(layout.VERIFY_WORK.resolve())
    text = re.sub(re.escape(work) + r"/[^/\s\"']+", "<work>", text)
    text = text.replace(str(Path.cwd()) + "/", "").replace(str(Path.home()), "~")
    return text


def write_result(result: VerifyResult, reports_dir: Path) -> Path:
    path = report_path(reports_dir, result.set_name, result.python)
    atomic_write(path, portable(json.dumps(result.to_json(), indent=2, sort_keys=True)) + "\n")
    return path


def load_reports(paths: Iterable[Path]) -> list[dict]:
    reports = []
    for path in paths:
        if not path.exists():
            raise ReportError(f"{path}: no such file or directory; give report files or their folders")
        files = sorted(path.glob("py*.json")) if path.is_dir() else [path]
        for file in files:
            try:
                data = json.loads(file.read_text())
            except (OSError, json.JSONDecodeError) as exc:
                raise ReportError(f"{file}: not a readable verification report ({exc})") from None
            if not isinstance(data, dict) or data.get("schema") != 1 or "stages" not in data:
                raise ReportError(f"{file}: not a verification report (schema 1 expected)")
            reports.append(data)
    if not reports:
        raise ReportError("no verification reports found; run make verify first")
    return reports


def _cell(stage: dict | None) -> str:
    if stage is None:
        return "-"
    if stage["status"] == "skip":
        return "skip"
    return f"{stage['status']} {stage['seconds']:.0f}s"


def summary_markdown(reports: Sequence[dict]) -> str:
    """Rows = stages, columns = Pythons; then the problems and the warnings, per Python."""
    by_set: dict[str, list[dict]] = {}
    for r in reports:
        by_set.setdefault(r["set_name"], []).append(r)
    out: list[str] = []
    for set_name, group in sorted(by_set.items()):
        group.sort(key=lambda r: Version(r["python"]))
        pythons = [r["python"] for r in group]
        out.append(f"## Verification of {set_name}")
        out.append("")
        out.append(f"Source: `{group[0]['source']}`; started {min(r['started'] for r in group)}.")
        out.append("")
        header = "| stage | " + " | ".join(f"py{p}" for p in pythons) + " |"
        out += [header, "|" + "---|" * (len(pythons) + 1)]
        for stage_name in stage_names():
            cells = [_cell(next((s for s in r["stages"] if s["name"] == stage_name), None)) for r in group]
            out.append(f"| {stage_name} | " + " | ".join(cells) + " |")
        out.append("| **total** | " + " | ".join(f"**{r['status']}** {r['seconds']:.0f}s" for r in group) + " |")
        problems = [
            (r["python"], s["name"], p)
            for r in group for s in r["stages"] for p in s["problems"]
        ]  # fmt: skip
        if problems:
            out += ["", "### Problems", ""]
            for python, stage_name, p in problems[:60]:
                where = " ".join(x for x in (p.get("package"), p.get("module"), p.get("test")) if x)
                first = p["message"].strip().splitlines()[0] if p["message"].strip() else ""
                out.append(f"- py{python} {stage_name}: {where + ': ' if where else ''}{first[:300]}")
            if len(problems) > 60:
                out.append(f"- … and {len(problems) - 60} more (see the JSON reports)")
        not_counted = [
            (r["python"], s["name"], p)
            for r in group for s in r["stages"] for p in s.get("not_counted", [])
        ]  # fmt: skip
        if not_counted:
            out += ["", "### Failing tests not counted as breaks (docs/verify.md, 'Failure classes'; STRICT=1 counts them)", ""]
            out += ["| Python | stage | test | class | rule | message |", "|---|---|---|---|---|---|"]
            for python, stage_name, p in not_counted[:60]:
                where = " ".join(x for x in (p.get("package"), p.get("test")) if x)
                first = p["message"].strip().splitlines()[0][:200].replace("|", "/") if p["message"].strip() else ""
                out.append(f"| py{python} | {stage_name} | {where} | {p.get('kind')} | {p.get('rule') or ''} | {first} |")
            if len(not_counted) > 60:
                out.append(f"\n… and {len(not_counted) - 60} more (see the JSON reports)")
        gaps = sorted({(r["python"], g) for r in group for s in r["stages"] if s["name"] == "apps" for g in s.get("details", {}).get("gaps", [])})
        if gaps:
            out += ["", "### App gaps (packages of the set that no compat app exercises at this release)", ""]
            out += [f"- py{python}: {gap}" for python, gap in gaps]
        # In the summary a warning is shown by its first line: group by what the reader sees.
        records = [
            WarningRecord(w["category"], w["message"].splitlines()[0][:160] if w["message"] else "", w["origin"], "", w["count"])
            for r in group for s in r["stages"] for w in s["warnings"]
        ]  # fmt: skip
        warnings = merge_warnings([records])
        if warnings:
            out += ["", "### Warnings (by origin; they forecast the next break)", "", "| origin | category | message | count |", "|---|---|---|---|"]
            for w in sorted(warnings, key=lambda w: (-w.count, w.origin, w.category, w.message))[:40]:
                out.append(f"| {w.origin} | {w.category} | {w.message.replace('|', '/')} | {w.count} |")
        out.append("")
    return "\n".join(out)


def write_summary(reports: Sequence[dict], path: Path) -> str:
    text = summary_markdown(reports)
    atomic_write(path, text)
    return text


def write_reports(results: Sequence[VerifyResult], sets: Mapping[str, Sequence[str]], reports_dir: Path, log: Callable[[str], None]) -> list[dict]:
    """Each result as its JSON report, then each set's summary over every Python it has a
    report for (`sets`: set name -> the Pythons it is reported on); the reports written."""
    written = []
    for result in results:
        path = write_result(result, reports_dir)
        log(f"report {path}")
        written.append(json.loads(path.read_text()))
    for set_name, pythons in sets.items():
        all_reports = []
        for python in pythons:
            path = report_path(reports_dir, set_name, python)
            if path.exists():
                all_reports.append(json.loads(path.read_text()))
        write_summary(all_reports, layout.summary_file(set_name, reports_dir))
    return written
