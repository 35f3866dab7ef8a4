"""A failed upstream test is rerun once, alone: a timing test that fails under load and
passes alone is reported as flaky, a real break fails twice and stays a failure.
Real venv, real pytest; only the suite is made up."""

from __future__ import annotations

from pathlib import Path

import pytest

from flask_lts_tools.pythons import require_interpreters
from flask_lts_tools.verify.stages.upstream import PackageRun, _rerun_failed, node_id
from flask_lts_tools.verify.stages.upstream.catalogue import Suite
from flask_lts_tools.venvs import create
from flask_lts_tools.verify import Context, Options, Problem, load_set
from flask_lts_tools.verify._pytest import install_test_tools, run_pytest

pytestmark = pytest.mark.integration

SUITE = '''
import os, pathlib

def test_fine():
    assert True

def test_flaky_once():
    # fails on its first run only, as a timing test on a loaded machine does
    marker = pathlib.Path(os.environ["FLAKY_MARKER"])
    if not marker.exists():
        marker.write_text("ran")
        assert False, "too slow under load"

def test_broken():
    assert 1 == 2, "a real break"
'''


def suite_in_a_venv(tmp_path: Path, module: str, text: str) -> tuple[Context, Path]:
    """A real 3.11 venv with pytest beside a one-package set, and a suite of one module."""
    interpreter = require_interpreters(["3.11"])["3.11"]
    pins = tmp_path / "pins.txt"
    pins.write_text("iniconfig==2.0.0\n")
    env = create(tmp_path / "venv", interpreter)
    ctx = Context(load_set(pins), "3.11", env, tmp_path, Options(), lambda message: None)
    assert install_test_tools(ctx, ["pytest==8.3.5"]) is None
    directory = tmp_path / "suite"
    (directory / "tests").mkdir(parents=True)
    (directory / "tests" / module).write_text(text)
    (directory / "pytest.ini").write_text("[pytest]\n")  # as the main run writes it: error filters dropped
    return ctx, directory


def test_flaky_test_passes_on_rerun_and_a_real_break_stays(tmp_path, monkeypatch):
    ctx, directory = suite_in_a_venv(tmp_path, "test_timing.py", SUITE)
    monkeypatch.setenv("FLAKY_MARKER", str(tmp_path / "marker"))

    out, failures, counts, _ = run_pytest(ctx, directory, "first", [])
    assert out.returncode == 1 and counts["failures"] == 2
    run = PackageRun("1.0", tests=counts["tests"], failed=2, passed=1)
    problems = [Problem(p.message, test=node_id(directory, *p.test.rpartition("::")[::2])) for p in failures]
    assert sorted(p.test for p in problems) == ["tests/test_timing.py::test_broken", "tests/test_timing.py::test_flaky_once"]

    left = _rerun_failed(ctx, directory, Suite("demo"), [], run, problems)

    assert [p.test for p in left] == ["tests/test_timing.py::test_broken"]
    assert run.flaky == ["tests/test_timing.py::test_flaky_once"]
    assert (run.passed, run.failed, run.errors) == (2, 1, 0)
    assert "passed when rerun alone" in run.notes[0]


WARNING_SUITE = '''
import warnings
import pytest

def old_api():
    warnings.warn("old_api is deprecated", DeprecationWarning)

def test_relies_on_warnings_being_errors():
    # Werkzeug 2.0's style: only passes when the sdist's filterwarnings = error is in force
    with pytest.raises(DeprecationWarning):
        old_api()

def test_broken():
    assert 1 == 2, "a real break"
'''


def test_a_test_that_needs_the_sdists_own_filterwarnings_passes_under_them(tmp_path):
    ctx, directory = suite_in_a_venv(tmp_path, "test_warn.py", WARNING_SUITE)
    own = directory / "pytest-own-filterwarnings.ini"
    own.write_text("[pytest]\nfilterwarnings =\n    error\n")

    out, failures, counts, _ = run_pytest(ctx, directory, "first", [])
    assert out.returncode == 1 and counts["failures"] == 2
    run = PackageRun("1.0", tests=2, failed=2, passed=0)
    problems = [Problem(p.message, test=node_id(directory, *p.test.rpartition("::")[::2])) for p in failures]

    left = _rerun_failed(ctx, directory, Suite("demo"), [], run, problems, own)

    assert [p.test for p in left] == ["tests/test_warn.py::test_broken"]
    assert run.sdist_filters == ["tests/test_warn.py::test_relies_on_warnings_being_errors"]
    assert run.flaky == []
    assert (run.passed, run.failed, run.errors) == (1, 1, 0)
    assert any("own filterwarnings = error" in n for n in run.notes)


TWICE_SUITE = '''
import os, pathlib

def test_loses_twice():
    # fails on its first two runs, as click's pager tests did beside another verification
    marker = pathlib.Path(os.environ["FLAKY_MARKER"])
    runs = int(marker.read_text()) if marker.exists() else 0
    marker.write_text(str(runs + 1))
    assert runs >= 2, "too slow under load"

def test_broken():
    assert 1 == 2, "a real break"
'''


def test_a_test_the_era_set_passed_runs_a_third_time_and_only_a_real_break_stays(tmp_path, monkeypatch):
    from flask_lts_tools.verify._classify import BREAK
    from flask_lts_tools.verify.stages.upstream import _rerun_after_baseline, _still_failing

    ctx, directory = suite_in_a_venv(tmp_path, "test_twice.py", TWICE_SUITE)
    monkeypatch.setenv("FLAKY_MARKER", str(tmp_path / "marker"))
    (tmp_path / "marker").write_text("1")  # the run and the rerun alone: one more loss to come
    out, failures, counts, _ = run_pytest(ctx, directory, "second", [])
    assert counts["failures"] == 2
    run = PackageRun("1.0", tests=2, failed=2, passed=0, status="fail")
    run.again = lambda tests: _still_failing(ctx, directory, Suite("demo"), [], tests, "third", run)
    kept = [Problem(p.message, test=node_id(directory, *p.test.rpartition("::")[::2]), kind=BREAK) for p in failures]

    left = _rerun_after_baseline(run, kept)

    assert [p.test for p in left] == ["tests/test_twice.py::test_broken"]
    assert run.flaky == ["tests/test_twice.py::test_loses_twice"] and run.status == "fail"
    assert [n["rule"] for n in run.not_counted] == ["passed on a third run (the era set passed it)"]
    assert (run.passed, run.failed) == (1, 1)
