"""Warnings raised by the set: where they come from, grouped one way everywhere.

A warning's identity is (origin, category, message): the package whose code raised
it, the warning class and the text with our work folders cut out, so that the same
warning on two Pythons, in two suites or in two reports groups together.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Hashable, Iterable, Sequence

from ._model import Problem, StageResult, WarningRecord


def origin_of(filename: str) -> str:
    """The package (top-level module) whose file raised a warning, or the app's file name."""
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", "/dist-packages/"):
        if marker in path:
            return path.split(marker, 1)[1].split("/", 1)[0].removesuffix(".py")
    return Path(path).name


_WORK_PATH = re.compile(r"(?:/[^\s:/]+)+/(?:apps|upstream/[^\s:/]+)/")


def identity(record: WarningRecord) -> tuple[str, str, str]:
    return (record.origin, record.category, record.message)


def collect_warnings(raw: Sequence[dict]) -> list[WarningRecord]:
    """Group the warnings our pytest plugin or import probe recorded (dicts with filename,
    lineno, category, message) into records with a count."""
    records = []
    for w in raw:
        message = _WORK_PATH.sub("", w.get("message", ""))
        records.append(
            WarningRecord(
                w.get("category", "Warning"), message, origin_of(w.get("filename", "?")),
                f"{w.get('filename', '?')}:{w.get('lineno', '?')}",
            )
        )  # fmt: skip
    merged = merge_warnings([records])
    for record in merged:
        record.message = record.message[:500]
    return merged


def merge_warnings(
    groups: Iterable[Sequence[WarningRecord]], key: Callable[[WarningRecord], Hashable] = identity,
) -> list[WarningRecord]:  # fmt: skip
    """One record per warning (by `key`), counts added up, the first location kept; sorted."""
    merged: dict[Hashable, WarningRecord] = {}
    for records in groups:
        for r in records:
            k = key(r)
            if k in merged:
                merged[k].count += r.count
            else:
                merged[k] = WarningRecord(r.category, r.message, r.origin, r.location, r.count)
    return sorted(merged.values(), key=lambda r: (r.origin, r.category, r.message))


def apply_strict(stage: StageResult, strict: bool) -> StageResult:
    """With --strict, a stage that passed but raised warnings fails."""
    if strict and stage.status == "pass" and stage.warnings:
        stage.status = "fail"
        stage.problems.append(Problem(f"{len(stage.warnings)} kinds of warnings raised (STRICT)"))
    return stage
