"""The differential baseline of a failing suite (docs/verify.md, "Failure classes").

A test of a package's own suite that fails with the set under test is run again with the
package's **own era set**: the same release, with what `pip install <package>==<version>`
gave on this Python when that release was new (uv resolves it with `--exclude-newer` at the
sdist's upload, or at this Python's release when that came later, the date its test tools
are taken from too). A test that fails there as well is not a break of the set under
test: it fails where the package was made to run (the machine, the Python, or the test
itself), and it is classified `environment`, rule `fails-in-own-era-set`. A test that passes
there stays a break: the set is what changed. The same idea as the canaries' baseline
(crater's "before"), with the package's own day as the "before" for any pinned set.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from pathlib import Path
from typing import Callable, Sequence

from .... import index, venvs
from ....constraints import read_pins
from ...._exceptions import FlaskLTSError
from ...._files import atomic_write
from ..._classify import SPURIOUS
from ..._pytest import JUNIT_INTERNAL
from ..._context import Context
from ..._model import PinnedSet
from .catalogue import Catalogue, KnownFailure, Suite
from .requirements import era_cutoff, python_released
from .sdist import SdistFile

RULE = "fails-in-own-era-set"


def module_of(test: str) -> str:
    return test.split("::", 1)[0]


def era_set(
    ctx: Context, package: str, version: str, cutoff: _dt.datetime, folder: Path, with_tools: Sequence[str] = (),
) -> Path | None:  # fmt: skip
    """`package==version` resolved as the index stood at `cutoff`, for this Python; None when
    it does not resolve (an old release on a newer Python, say). `with_tools`: packages of the
    set that the suite needs as test tools (Flask-SQLAlchemy for Flask-Session's suite): they
    are resolved into the era set too, so that they and their own dependencies are of the era
    (otherwise they come in at the set's pin with today's SQLAlchemy, and the era run fails
    where the package never did). When the set with them does not resolve, the package alone."""
    path = folder / "era.txt"
    for tools in ([*with_tools], []) if with_tools else ([],):
        source = folder / "era.in"
        atomic_write(source, "".join(f"{line}\n" for line in [f"{package}=={version}", *tools]))
        out = ctx.env.uv_pip(
            "compile", "--index-url", index.index_url(), "--exclude-newer", (cutoff + _dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "--no-header", "--no-annotate", "--quiet", str(source), timeout=600,
        )  # fmt: skip
        if out.ok:
            what = " with " + ", ".join(tools) if tools else ""
            atomic_write(path, f"# {package}=={version}{what} as the package index stood on {cutoff.date().isoformat()} (the era set)\n" + out.stdout)
            return path
    return None


def failing_in_era(
    ctx: Context, suite: Suite, catalogue: Catalogue, known: Sequence[KnownFailure], sdist_file: SdistFile, tests: Sequence[str],
    run_suite: Callable, with_tools: Sequence[str] = (),
) -> tuple[dict[str, str] | None, str]:  # fmt: skip
    """(the `tests` that also fail with the package's era set, each with what ended it there,
    and what that set is), or (None, why there is no verdict). `run_suite`: the stage's suite
    runner."""

    version = ctx.installed[suite.package]
    cutoff = era_cutoff(sdist_file.uploaded, python_released(ctx.env.interpreter.full_version))
    if cutoff is None:
        return None, "the sdist's upload date is unknown"
    folder = ctx.workdir / "baseline" / suite.package
    folder.mkdir(parents=True, exist_ok=True)
    pins = era_set(ctx, suite.package, version, cutoff, folder, [t for t in with_tools if t != suite.package])
    if pins is None:
        return None, f"{suite.package}=={version} does not resolve on Python {ctx.python} as of {cutoff.date()}"
    try:
        env = venvs.create(folder / "venv", ctx.env.interpreter)
    except FlaskLTSError as exc:
        return None, str(exc)
    out = env.uv_pip("install", "--index-url", index.index_url(), "-r", str(pins), timeout=900)
    if not out.ok:
        return None, f"the era set does not install: {out.tail(3)}"
    era = PinnedSet(f"{suite.package}-{version}-era", pins, read_pins(pins))
    options = dataclasses.replace(ctx.options, strict=False)
    era_ctx = Context(era, ctx.python, env, folder, options, ctx.log, env.freeze())
    if JUNIT_INTERNAL in tests:  # an internal error at the session's end: the whole suite again
        narrowed = suite
    else:
        modules = tuple(sorted({module_of(t) for t in tests}))
        narrowed = dataclasses.replace(suite, targets=modules)
    try:
        run, problems, _ = run_suite(era_ctx, narrowed, catalogue, known, sdist_file)
    except FlaskLTSError as exc:
        return None, f"the suite does not run with the era set: {exc}"
    if not run.tests:
        why = [*run.notes, *(p.message.strip().splitlines()[0] for p in problems if p.message.strip())]
        return None, "no test ran with the era set: " + ("; ".join(why) or f"pytest ran none ({run.status})")
    failing = {n["test"]: n.get("cause", "") for n in run.not_counted if n["kind"] != SPURIOUS}
    failing.update({p.test: p.cause for p in problems if p.test})
    what = f"{suite.package} {version} with the package index of {cutoff.date().isoformat()}"
    return {t: failing[t] for t in tests if t in failing}, what
