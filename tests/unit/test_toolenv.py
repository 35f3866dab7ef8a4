"""toolenv: the uv binary, the cross-process lock around tool environments, the failing-command
error, venv paths, and reuse of a tool environment whose stamp matches.

Creating the pip / pip-tools environments themselves is left to the integration tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SCRIPTS
from flask_lts_tools._exceptions import ToolEnvironmentError
from flask_lts_tools.pythons import Interpreter, probe
from flask_lts_tools.toolenv import (
    uv_version,
    PIP_TOOLS_PAIR,
    UV_ENVIRON,
    bin_dir,
    locked,
    run,
    tool_environment,
    uv_bin,
    uv_environ,
    venv_python,
)

PY = sys.executable


def test_uv_bin_runs_and_is_the_version_the_constraints_headers_name():
    proc = subprocess.run([uv_bin(), "--version"], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[:2] == ["uv", uv_version()]


def test_uv_environ_keeps_the_environment_and_keeps_uv_offline_and_unconfigured(monkeypatch):
    monkeypatch.setenv("FLASK_LTS_PROBE", "kept")
    env = uv_environ()
    assert env["FLASK_LTS_PROBE"] == "kept"
    assert env["UV_PYTHON_DOWNLOADS"] == "never" and env["UV_NO_CONFIG"] == "1"
    assert {k: env[k] for k in UV_ENVIRON} == UV_ENVIRON


def test_venv_paths_point_into_bin():
    if sys.platform == "win32":
        pytest.skip("POSIX layout")
    assert bin_dir(Path("v")) == Path("v/bin")
    assert venv_python(Path("v")) == Path("v/bin/python")


def test_venv_python_of_a_real_venv_runs_it(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([PY, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    proc = subprocess.run([str(venv_python(venv)), "-c", "import sys; print(sys.prefix)"], capture_output=True, text=True, timeout=30)
    assert Path(proc.stdout.strip()) == venv


# -- run -------------------------------------------------------------------------------------


def test_run_returns_the_finished_process(tmp_path):
    proc = run([PY, "-c", "import os; print(os.getcwd())"], "probe", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == f"{tmp_path}\n"


def test_a_failing_command_raises_with_what_exit_code_and_last_output_lines():
    code = (
        "import sys\n"
        "for i in range(6): print('line', i)\n"
        "print(\"WARNING: Location 'file:///x/simple/pip/' is ignored\", file=sys.stderr)\n"
        "print('ERROR: No matching distribution found for pip-tools==7.4.1', file=sys.stderr)\n"
        "sys.exit(2)\n"
    )
    with pytest.raises(ToolEnvironmentError) as info:
        run([PY, "-c", code], "tool environment for Python 3.12")
    assert str(info.value) == (
        "tool environment for Python 3.12: failed (exit 2): "
        "line 3 | line 4 | line 5 | ERROR: No matching distribution found for pip-tools==7.4.1"
    )


def test_a_command_that_hangs_raises_a_timeout_error():
    started = time.monotonic()
    with pytest.raises(ToolEnvironmentError, match=r"^tool environment for Python 3\.12: timed out after 1s$"):
        run([PY, "-c", "import time; time.sleep(30)"], "tool environment for Python 3.12", timeout=1)
    assert time.monotonic() - started < 10


# -- the lock --------------------------------------------------------------------------------

_WAITER = """
import sys, time
from pathlib import Path
from flask_lts_tools.toolenv import locked
print("waiting", flush=True)
with locked(Path(sys.argv[1])):
    print("got it", time.time(), flush=True)
"""


def _finish(waiter: subprocess.Popen[str]) -> str:
    # read through the same text buffer readline used (communicate would bypass it)
    assert waiter.wait(timeout=30) == 0
    return waiter.stdout.read()


def _waiter(lock: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(SCRIPTS))
    proc = subprocess.Popen([PY, "-c", _WAITER, str(lock)], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None and proc.stdout.readline() == "waiting\n"
    return proc


def test_a_second_process_waits_for_the_lock_until_it_is_released(tmp_path):
    lock = tmp_path / "tools" / ".py3.12.lock"  # its folder does not exist yet
    with locked(lock):
        waiter = _waiter(lock)
        try:
            time.sleep(0.5)
            assert waiter.poll() is None, "the second process did not wait for the lock"
            released = time.time()
        except BaseException:
            waiter.kill()
            raise
    out = _finish(waiter)
    assert out.startswith("got it") and float(out.split()[2]) >= released


def test_the_lock_is_released_when_the_block_fails(tmp_path):
    lock = tmp_path / ".py3.12.lock"
    with pytest.raises(RuntimeError):
        with locked(lock):
            raise RuntimeError("creation failed")
    assert _finish(_waiter(lock)).startswith("got it")


# -- reuse -----------------------------------------------------------------------------------


def test_a_tool_environment_with_a_matching_stamp_is_reused_as_is(tmp_path):
    answer = probe(PY)
    assert not isinstance(answer, str), answer
    minor, full, _, path = answer
    interpreter = Interpreter(minor, full, Path(path), "PATH")
    venv = tmp_path / "tools" / f"py{minor}"
    subprocess.run([path, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    (venv / "flask-lts-tools.stamp").write_text(f"{full} {' '.join(PIP_TOOLS_PAIR)}\n")
    (venv / "marker").write_text("made earlier")

    assert tool_environment(interpreter, tmp_path / "tools") == venv
    assert (venv / "marker").read_text() == "made earlier"  # not rebuilt
    assert (tmp_path / "tools" / f".py{minor}.lock").exists()


def test_a_program_that_does_not_exist_raises_the_toolkit_error(tmp_path):
    from flask_lts_tools.toolenv import run as run_tool

    with pytest.raises(ToolEnvironmentError, match=r"^uv --version: cannot run .*no-such-uv \(No such file or directory\)$"):
        run_tool([str(tmp_path / "no-such-uv"), "--version"], "uv --version")


def test_a_locked_test_tool_is_relaxed_to_a_floor():
    """A suite's lock pin that does not fit the set becomes a floor (name>=locked); ranges,
    markers and extras are kept, and what is not an exact pin is left alone."""
    from flask_lts_tools.testtools import _relax

    assert _relax("jsonschema-path==0.3.4") == "jsonschema-path>=0.3.4"
    assert _relax('pytest[testing]==8.3.5 ; python_version >= "3.9"') == 'pytest[testing]>=8.3.5 ; python_version >= "3.9"'
    assert _relax("pytest>=8,<9") == "pytest>=8,<9"
    assert _relax("flask==3.0.*") == "flask==3.0.*"
    assert _relax("not a requirement ==") == "not a requirement =="
