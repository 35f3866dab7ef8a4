"""The main loop: one pinned set on one Python, every asked stage in a fresh environment."""

from __future__ import annotations

import datetime as _dt
import re
import shutil
import time
import traceback
from dataclasses import replace
from pathlib import Path

from .. import venvs
from .._exceptions import EnvironmentCreationError
from .._files import atomic_write
from ..pythons import Interpreter
from ._context import Context, Log, Options
from ._model import PinnedSet, Problem, StageResult, VerifyResult
from ._warnings import apply_strict
from .stages import registered


def report_source(path: Path) -> str:
    """The pinned file as the report names it: relative to the working directory when inside
    it (`constraints/flask-lts-2024.txt`), else its file name: a refresh's candidate lives in a
    temporary folder, whose path means nothing on another machine and must not reach the
    committed reports."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return Path(path).name


_EXTRAS = re.compile(r"^(\s*[A-Za-z0-9][A-Za-z0-9._-]*)\s*\[[^\]]*\]", re.MULTILINE)


def _without_extras(pinned: PinnedSet, workdir: Path) -> Path:
    """The set's file as pip's constraints take it: each line as written (markers, hashes,
    comments) but for its `[extras]`, which go with the requirements that install them
    (PinnedSet.packages_to_install)."""
    path = workdir / "constraints.txt"
    text = _EXTRAS.sub(r"\1", pinned.path.read_text(encoding="utf-8"))
    atomic_write(path, f"# {report_source(pinned.path)} without its extras (pip rejects extras in constraints)\n{text}")
    return path


def verify(pinned: PinnedSet, interpreter: Interpreter, options: Options, log: Log = print) -> VerifyResult:
    """Run the asked stages for one Python in a fresh environment; never raises for stage failures.

    Each stage is guarded: a crash inside one is reported as that stage's error, and the
    others still run where they can."""
    python = interpreter.version
    started = time.monotonic()
    result = VerifyResult(
        pinned.name, report_source(pinned.path), python, f"{interpreter.full_version} ({interpreter.source})",
        _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
    )  # fmt: skip
    stages = registered()
    first = stages[0].name
    workdir = (options.workdir / f"{pinned.name}-py{python}").resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    try:
        env = venvs.create(workdir / "venv", interpreter)
    except EnvironmentCreationError as exc:
        result.stages.append(StageResult(first, "error", problems=[Problem(str(exc))]))
        return result
    if pinned.has_extras and pinned.install_from is None:
        pinned = replace(pinned, install_from=_without_extras(pinned, workdir))
    ctx = Context(pinned, python, env, workdir, options, log)
    for stage in stages:
        if options.stages and stage.name not in options.stages and not stage.always:
            continue
        if ctx.blocked:
            result.stages.append(StageResult(stage.name, "skip", details={"reason": ctx.blocked}))
            continue
        stage_started = time.monotonic()
        log(f"{stage.name} ...")
        try:
            outcome = apply_strict(stage.run(ctx), options.strict)
        except Exception as exc:  # a crash in one stage must not lose the others
            outcome = StageResult(stage.name, "error", problems=[Problem(f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}")])
        outcome.seconds = round(time.monotonic() - stage_started, 1)
        result.stages.append(outcome)
        first_problem = f": {outcome.problems[0].message.splitlines()[0][:160]}" if outcome.problems else ""
        log(f"{stage.name} {outcome.status} in {outcome.seconds:.1f}s{first_problem}")
    result.seconds = round(time.monotonic() - started, 1)
    return result
