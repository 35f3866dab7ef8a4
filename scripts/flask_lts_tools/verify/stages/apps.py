"""apps: small real Flask apps (compat-apps/), one per extension group, run with pytest
against the installed set. Each app module declares the releases it is written for in a
literal REQUIRES list; an app the set does not meet is left out, with the reason."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path
from typing import Mapping, Sequence

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from ... import testtools
from ..._exceptions import FlaskLTSError
from .._context import Context
from .._harness import harness_args, load_harness_rules
from .._model import Problem, StageResult
from .._pytest import exit_cause, install_test_tools, run_pytest, split_counted, stopped_internally
from . import register


def app_requirements(path: Path) -> list[Requirement] | None:
    """The literal REQUIRES list of a compat app module, read without importing it:
    requirement strings, with the versions the app's code is written for
    (`"flask-sqlalchemy>=3.0"`: it calls `db.paginate`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "REQUIRES" for t in node.targets):
            try:
                return [Requirement(x) for x in ast.literal_eval(node.value)]
            except (ValueError, InvalidRequirement) as exc:
                raise FlaskLTSError(f"{path}:{node.lineno}: REQUIRES must be a literal list of requirement strings ({exc})") from None
    return None


def select_apps(dirs: Sequence[Path], installed: Mapping[str, str]) -> tuple[list[Path], list[str]]:
    """The app modules whose REQUIRES the set meets (every package present, at a version
    the app is written for), and why each other module was left out."""
    chosen, skipped = [], []
    for directory in dirs:
        for path in sorted({*directory.glob("test_*.py"), *directory.glob("*_app.py")}):
            requires = app_requirements(path)
            if requires is None:
                skipped.append(f"{path.name}: no REQUIRES list")
                continue
            unmet = []
            for req in requires:
                version = installed.get(canonicalize_name(req.name))
                if version is None:
                    unmet.append(f"{req.name} (not in the set)")
                elif not req.specifier.contains(version, prereleases=True):
                    unmet.append(f"{req} (the set has {version})")
            if unmet:
                skipped.append(f"{path.name}: needs {', '.join(unmet)}")
            else:
                chosen.append(path)
    return chosen, skipped


def app_gaps(dirs: Sequence[Path], chosen: Sequence[Path], installed: Mapping[str, str]) -> list[str]:
    """The set's packages that some app is about (the first name of its REQUIRES: the
    extension it exercises) but that no chosen app exercises at this release: a group the
    apps stage leaves untested, which the report must say rather than pass in silence."""
    subjects: dict[str, list[str]] = {}
    for directory in dirs:
        for path in sorted({*directory.glob("test_*.py"), *directory.glob("*_app.py")}):
            requires = app_requirements(path) or []
            if requires:
                subjects.setdefault(canonicalize_name(requires[0].name), []).append(f"{path.name} needs {requires[0]}")
    covered = {canonicalize_name(r.name) for path in chosen for r in (app_requirements(path) or [])}
    return [
        f"{name} {installed[name]}: no app for this release ({'; '.join(apps)})"
        for name, apps in sorted(subjects.items()) if name in installed and name not in covered
    ]  # fmt: skip


@register("apps", 40, "small real Flask apps per extension group (compat-apps/)")
def stage_apps(ctx: Context) -> StageResult:
    chosen, skipped = select_apps(ctx.options.apps_dirs, ctx.installed)
    gaps = app_gaps(ctx.options.apps_dirs, chosen, ctx.installed)
    for gap in gaps:
        ctx.log(f"apps: gap: {gap}")
    if not chosen:
        return StageResult("apps", "skip", details={"skipped": skipped, "gaps": gaps, "reason": "no app applies to this set"})
    try:
        extra, harness = harness_args(load_harness_rules(), ctx.installed, "apps")
        install_test_tools(ctx, ["pytest"])
    except FlaskLTSError as exc:
        return StageResult("apps", "error", problems=[Problem(str(exc))])
    for rule in harness:
        ctx.log(f"apps: harness: {rule.split(':')[0]}")
    directory = ctx.workdir / "apps"
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    for path in chosen:
        # pytest collects test_*.py only; negative-control apps are named *_app.py
        name = path.name if path.name.startswith("test_") else f"test_{path.name}"
        shutil.copy2(path, directory / name)
    # pytest alone: a plugin the set installs (pytest-flask) must not change how the apps run
    out, problems, counts, warnings = run_pytest(ctx, directory, "apps", extra=extra, plugins=[])
    testtools.remove(ctx.env)
    if stopped_internally(out.returncode, problems):  # the apps did not run: nothing to classify
        problems = [Problem("pytest stopped with an internal error (the apps did not run):\n" + out.tail(12))]
    problems, not_counted = split_counted(problems, ctx.options.strict)
    if out.returncode is None:
        problems.append(Problem("pytest timed out: " + out.tail(5)))
    elif not problems and not not_counted and out.returncode not in (0,):
        problems.append(Problem(f"pytest exited {out.returncode}: {exit_cause(out.tail())}\n" + out.tail()))
    result = StageResult(
        "apps", "fail" if problems else "pass", problems=problems, warnings=warnings,
        # pytest's count of skipped tests is `skipped_tests`: `skipped` lists the apps left out, and why
        details={
            "apps": [p.name for p in chosen], **{k: v for k, v in counts.items() if k != "skipped"},
            "skipped_tests": counts["skipped"], "skipped": skipped, "gaps": gaps,
            **({"harness": harness} if harness else {}),
        },
        not_counted=not_counted,
    )  # fmt: skip
    for p in [*result.problems, *result.not_counted]:
        if p.test:
            p.module = p.test.split("::")[0]
    return result
