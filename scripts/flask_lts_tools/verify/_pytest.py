"""pytest in the target environment, as the apps and upstream stages (and any later
stage that runs a test suite) run it: our warnings plugin, junit results, the test
tools beside the set."""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Sequence

from packaging.utils import canonicalize_name

from .. import testtools, venvs
from .._resources import WARNINGS_PLUGIN_DIR
from ._classify import BREAK, cause, classify, helper_names, logged_exception, parse
from ._context import Context
from ._model import Problem, WarningRecord
from ._warnings import collect_warnings


def install_test_tools(ctx: Context, requirements: Sequence[str], before: _dt.datetime | None = None) -> None:
    """Make test tools importable beside the set, resolved under the set's constraints
    (docs/upstream.md, "Test tools"): the set's environment itself is never modified,
    and the set wins on sys.path. `before`: the era their dependencies are held to, where
    they resolve so. TestToolsError says why it could not."""
    testtools.overlay(ctx.env, requirements, ctx.pinned.pip_constraints, ctx.options.testtools_cache, before)
    relaxed = testtools.relaxation(ctx.env, requirements, ctx.pinned.pip_constraints, ctx.options.testtools_cache, before)
    if relaxed:
        ctx.log(f"test tools {relaxed}")


def cache_args(extra: Sequence[str]) -> list[str]:
    """pytest's cache plugin stays off (nothing written into the suite's folder) unless the
    suite asks for it (`-p cacheprovider`: pytest-xprocess keeps its state there). Both at once
    stop pytest 5.3 at start-up (`option names {'--lf', '--last-failed'} already added`), which
    kept Werkzeug 1.0's suite from running at all (0.16's meets a second clash: the old
    pytest-cache plugin that pytest-xprocess 0.12 brings registers as `cacheprovider` too)."""
    wanted = any(a == "-p" and b == "cacheprovider" for a, b in zip(extra, extra[1:])) or "-pcacheprovider" in extra
    return [] if wanted else ["-p", "no:cacheprovider"]


# pytest's exit status and junit entry when it stops with an internal error (INTERNALERROR>)
PYTEST_INTERNAL_ERROR = 3
JUNIT_INTERNAL = "pytest::internal"


_INTERNAL_EXCEPTION = re.compile(r"^INTERNALERROR> (?:[\w.]+\.)?(?P<name>[A-Z]\w*(?:Error|Exception|Exit))\b", re.MULTILINE)


def internal_cause(output: str) -> str:
    """What ended pytest's internal error ("NotImplementedError"), for comparing it with the
    era set's run; never empty ("INTERNALERROR" when no exception is named), so that an
    unknown cause is not taken for the same one."""
    found = _INTERNAL_EXCEPTION.findall(output)
    return found[-1] if found else "INTERNALERROR"


# pytest started as its console script starts it (the `pytest` command upstream CI runs), with
# the suite's folder first on sys.path as `python -m pytest` puts it. Under `-m`, `__main__` is
# pytest's own module, with a spec inside the test tools' folder: code that locates the main
# module (Flask's instance path for `Flask("__main__")`, click's program name) then sees the
# verifier's files (Flask 1.1's `test_main_module_paths` failed so, in its own era set too).
_AS_ITS_SCRIPT = """\
import os, sys
sys.path[0] = os.getcwd()
sys.argv[0] = "pytest"
import pytest
sys.exit((getattr(pytest, "console_main", None) or pytest.main)())
"""


def stopped_internally(returncode: int | None, problems: list[Problem]) -> bool:
    """Whether pytest stopped with an internal error: then nothing ran, and no failure of the
    run may be classified, rerun or set aside against a baseline (a plugin that fails to load,
    say: the cause is in the output's last lines)."""
    return returncode == PYTEST_INTERNAL_ERROR or any(p.test == JUNIT_INTERNAL for p in problems)


def run_pytest(
    ctx: Context, directory: Path, label: str, extra: Sequence[str] = (), timeout: float = 1200,
    targets: Sequence[str] = (), own: str = "", plugins: Sequence[str] | None = None,
) -> tuple[venvs.Outcome, list[Problem], dict, list[WarningRecord]]:  # fmt: skip
    """pytest in the target environment with our warnings plugin; (outcome, failures, counts, warnings).
    `targets` (node ids relative to `directory`) narrow the run; by default all of `directory` runs.
    Each failure carries its class (`kind`, `rule`: verify/_classify.py); `own` is the
    distribution whose suite this is (its testing helpers are the code under test's own).
    `plugins`: the distributions of the set whose pytest plugins this run may load; the test
    tools' plugins always load (they are this run's own), every other plugin the set installs
    (pytest-flask, say) is not loaded, and `counts["plugins_not_loaded"]` names them.
    None: pytest loads every plugin it finds."""
    junit = ctx.workdir / f"{label}.junit.xml"
    warnings_file = ctx.workdir / f"{label}.warnings.json"
    for f in (junit, warnings_file):
        f.unlink(missing_ok=True)
    cmd = [
        ctx.env.python, "-c", _AS_ITS_SCRIPT, *cache_args(extra), "-p", "warnings_plugin",
        f"--junitxml={junit}", "-q", "-o", "junit_family=xunit2", "--rootdir", str(directory),
        # what a failing test logged and wrote (a Flask app's log of the exception behind a
        # 500) goes into the junit file, for the classifier; passing tests' output stays out
        "-o", "junit_logging=all", "-o", "junit_log_passing_tests=False",
        # one module that does not import must not hide the verdict on all the others
        "--continue-on-collection-errors",
    ]  # fmt: skip
    isolation: dict[str, str] = {}
    left_out: list[str] = []
    if plugins is not None:
        allowed = {canonicalize_name(p) for p in plugins}
        isolation["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        loaded: list[str] = []
        for dist, module, tool in pytest_plugins(ctx):
            if tool or canonicalize_name(dist) in allowed:
                cmd += ["-p", module]
                loaded.append(module)
            else:
                left_out.append(f"{dist} ({module})")
        if loaded:
            # pytest runs nested in the suite (pytester's runpytest: pytest-flask's own tests of
            # its --start-live-server option) inherit the disabled autoload: they get the same
            # plugins by name, as autoload gave them before.
            isolation["PYTEST_PLUGINS"] = ",".join(dict.fromkeys(loaded))
    cmd += [*extra, *(targets or [str(directory)])]
    # The environment's bin/ first on PATH, as if activated: suites and apps that run
    # console scripts (`flask db upgrade`) must get the ones of the set under test.
    bin_dir = str(Path(ctx.env.python).parent)
    out = venvs.run(
        cmd, timeout=timeout, cwd=directory,
        env={
            "PYTHONPATH": str(WARNINGS_PLUGIN_DIR), "FLASK_LTS_WARNINGS_FILE": str(warnings_file),
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), "VIRTUAL_ENV": str(ctx.env.path),
            **isolation,
        },
    )  # fmt: skip
    problems: list[Problem] = []
    counts: dict = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if left_out:
        counts["plugins_not_loaded"] = sorted(set(left_out))
    if junit.exists():
        where = _installed_roots(ctx)
        helpers = helper_names(where, exclude=[own] if own else ())
        provided = _provided_modules(where)
        pins = [*ctx.installed, *ctx.pinned.for_python(ctx.python)]
        root = ET.parse(junit).getroot()
        for case in root.iter("testcase"):
            counts["tests"] += 1
            test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
            for kind in ("failure", "error"):
                node = case.find(kind)
                if node is not None:
                    counts["failures" if kind == "failure" else "errors"] += 1
                    text = _failure_text(node.get("message") or "", node.text or "")
                    captured = "\n".join(o.text or "" for o in case.iter() if o.tag in ("system-out", "system-err"))
                    verdict = classify(node.text or node.get("message") or "", helpers, provided, pins, captured)
                    why = cause(node.text or node.get("message") or "", captured)
                    if verdict.rule.endswith("-logged"):
                        first, _, rest = text.strip().partition("\n")
                        text = f"{first} (the app logged {logged_exception(captured)})\n{rest}".strip()
                    problems.append(Problem(text[:1500], test=test_id, kind=verdict.kind, rule=verdict.rule, cause=why))
            if case.find("skipped") is not None:
                counts["skipped"] += 1
    raw = json.loads(warnings_file.read_text()) if warnings_file.exists() else []
    return out, problems, counts, collect_warnings(raw)


_PLUGINS = """
import json, importlib.metadata as m
try:
    from _pytest.config import builtin_plugins
except ImportError:
    builtin_plugins = ()
found = []
for d in m.distributions():
    for ep in d.entry_points:
        # an entry point named as one of pytest's own plugins never loads by autoload (the
        # built-in holds the name); only `-p <that name>` takes it, in place of the built-in
        if ep.group == "pytest11" and ep.name not in builtin_plugins:
            found.append([d.metadata["Name"], ep.value.split(":")[0].strip(), str(d.locate_file(""))])
print(json.dumps(found))
"""


def pytest_plugins(ctx: Context) -> list[tuple[str, str, bool]]:
    """(distribution, plugin module, whether it is a test tool) of every pytest plugin the
    environment can import and pytest's autoload would load: the set's own (in its
    site-packages) and the test tools beside it. One registered under a built-in plugin's name
    is left out, as autoload leaves it (pytest-cache, which pytest-xprocess 0.12 brings, is
    `cacheprovider`: loaded by module name as well, it clashed with a suite's `-p cacheprovider`
    and Werkzeug 0.16's suite did not start)."""
    out = venvs.run([ctx.env.python, "-c", _PLUGINS], timeout=120)
    if not out.ok:
        return []
    own = [r.resolve() for r in ctx.env.path.glob("lib/python*/site-packages")] + [(ctx.env.path / "Lib" / "site-packages").resolve()]
    return sorted({(d, m, not any(Path(where).resolve() == r for r in own)) for d, m, where in json.loads(out.stdout)})


def _installed_roots(ctx: Context) -> list[Path]:
    """Where the environment's installed code and the test tools beside it live."""
    roots = [*ctx.env.path.glob("lib/python*/site-packages"), ctx.env.path / "Lib" / "site-packages"]
    roots += [f for f in (testtools.overlay_folder(r) for r in roots if r.is_dir()) if f is not None]
    return [r for r in roots if r.is_dir()]


def _provided_modules(roots: Sequence[Path]) -> set[str]:
    """Top-level module names importable from those folders."""
    names = set()
    for root in roots:
        for entry in root.iterdir():
            if entry.is_dir() and entry.name.isidentifier():
                names.add(entry.name)
            elif entry.suffix in (".py", ".so", ".pyd"):
                names.add(entry.name.split(".")[0])
    return names


def split_counted(problems: Sequence[Problem], strict: bool) -> tuple[list[Problem], list[Problem]]:
    """(problems that fail the stage, the failing tests that are listed but not counted).
    Only breaks count, unless --strict; problems that are not tests always count."""
    counted = [p for p in problems if strict or p.kind in (None, BREAK)]
    return counted, [p for p in problems if p not in counted]


_EXCEPTION_LINE = re.compile(r"^(?:E\s+)?(?:[\w.]+\.)?[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Failed|Warning)\b(?::|$)")


def _block_start(lines: Sequence[str]) -> str:
    """The cause in a failure's text: the first line of the last block of pytest's `E` lines
    (the exception, then its message's further lines, or an assertion and its diff); with no
    `E` lines, a Python traceback's exception line, or else the text's own first line (a
    failure pytest reports without a traceback, pytest 6's "Direct construction of Class has
    been deprecated" of a plugin written for pytest 5)."""
    e_lines = [i for i, l in enumerate(lines) if l.startswith("E ")]
    if e_lines:
        start = e_lines[-1]
        while start - 1 in e_lines:
            start -= 1
        return lines[start].strip()[1:].strip()
    if not lines:
        return ""
    if any(l.lstrip().startswith('File "') for l in lines):
        return next((l.strip() for l in reversed(lines) if _EXCEPTION_LINE.match(l.strip())), lines[-1].strip())
    return lines[0].strip()


def exit_cause(output: str) -> str:
    """Why pytest ended without a test to blame, from the end of its output: the last line
    naming an exception (a plugin that fails to import), else pytest's own `ERROR:` line
    (a usage error, a path not found), else the last line; for a problem's first line."""
    lines = [l.strip() for l in output.splitlines() if l.strip()]
    found = next((l for l in reversed(lines) if _EXCEPTION_LINE.match(l) or l.startswith("INTERNALERROR> ") and _EXCEPTION_LINE.match(l[15:])), None)
    found = found or next((l for l in reversed(lines) if l.startswith("ERROR:")), None)
    return found or (lines[-1] if lines else "no output")


def _failure_text(message: str, body: str) -> str:
    """junit's message, and when it says no more than "collection failure", "test setup
    failure" (or nothing),
    the cause from the traceback: the exception and where it was raised (an ImportError
    names its module), then the end of the traceback."""
    message, body = message.strip(), body.strip()
    # the words pytest's junit writes when it gives no cause (pytest 5's "test setup failure")
    if message and message.lower() not in ("collection failure", "failed", "error", "test setup failure", "test teardown failure"):
        return message
    lines = [l for l in body.splitlines() if l.strip() and l.strip() not in ("Traceback:", "Traceback (most recent call last):")]
    cause = _block_start(lines)
    raised = parse(body).raised_in
    if raised is not None:
        where = raised.path.split("site-packages/")[-1] if raised.module else raised.path
        cause += f" (raised in {where}:{raised.line})"
    tail = "\n".join(lines[-12:])
    return f"{message + ': ' if message else ''}{cause}\n{tail}"
