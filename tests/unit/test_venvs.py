"""venvs: what a command's Outcome tells, the clean environment target commands get, timeouts,
and one real virtual environment made from the toolkit's own base interpreter."""

from __future__ import annotations

import os
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from flask_lts_tools._exceptions import EnvironmentCreationError
from flask_lts_tools.pythons import Interpreter, probe
from flask_lts_tools.venvs import Environment, Outcome, clean_environ, create, run

PY = sys.executable


# -- Outcome -------------------------------------------------------------------------------


@pytest.mark.parametrize("returncode,ok", [(0, True), (1, False), (-9, False), (None, False)])
def test_only_exit_code_zero_is_ok(returncode, ok):
    assert Outcome(["x"], returncode, "", "", 0.1).ok is ok


def test_tail_keeps_the_last_lines_of_output_then_errors_without_pip_location_noise():
    stdout = "\n".join(f"out {i}" for i in range(10))
    stderr = "WARNING: Location 'file:///somewhere/simple/flask/' is ignored\nERROR: boom\n"
    outcome = Outcome(["pip"], 1, stdout, stderr, 1.0)
    assert outcome.tail(3) == "out 8\nout 9\nERROR: boom"
    assert "WARNING: Location" not in outcome.tail(100)
    assert outcome.tail().splitlines()[0] == "out 0"  # 25 lines by default: all 11 here


# -- the environment of target commands ------------------------------------------------------


def test_clean_environ_drops_the_toolkits_python_settings(monkeypatch):
    for name in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "VIRTUAL_ENV", "__PYVENV_LAUNCHER__"):
        monkeypatch.setenv(name, f"/toolkit/{name.lower()}")
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:1/simple/")
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = clean_environ()
    assert not any(value.startswith("/toolkit/") for value in env.values())
    assert env["PIP_INDEX_URL"] == "http://127.0.0.1:1/simple/"  # pip's own settings stay
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["PATH"] == os.environ["PATH"]


def test_explicit_settings_win_over_the_cleaning(monkeypatch):
    monkeypatch.setenv("VIRTUAL_ENV", "/toolkit/venv")
    env = clean_environ({"VIRTUAL_ENV": "/target/venv", "NO_COLOR": "1"})
    assert env["VIRTUAL_ENV"] == "/target/venv" and env["NO_COLOR"] == "1"


# -- run -------------------------------------------------------------------------------------


def test_run_captures_exit_code_and_both_streams(tmp_path):
    code = "import os, sys; print('to stdout', os.getcwd()); print('to stderr', file=sys.stderr); sys.exit(3)"
    outcome = run([PY, "-c", code], timeout=30, cwd=tmp_path)
    assert outcome.returncode == 3 and not outcome.ok
    assert outcome.stdout == f"to stdout {tmp_path}\n"
    assert outcome.stderr == "to stderr\n"
    assert outcome.cmd == [PY, "-c", code]
    assert 0 < outcome.seconds < 30


def test_the_toolkits_pythonpath_does_not_leak_into_the_command(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/toolkit/scripts")
    code = "import os; print(os.environ.get('PYTHONPATH'), os.environ.get('EXTRA'))"
    assert run([PY, "-c", code], timeout=30, env={"EXTRA": "given"}).stdout == "None given\n"


def test_a_command_waiting_for_input_gets_none_instead_of_hanging():
    outcome = run([PY, "-c", "input('answer? ')"], timeout=30)
    assert outcome.returncode == 1
    assert "EOFError" in outcome.stderr


def test_a_timeout_gives_no_exit_code_and_keeps_the_output_so_far():
    code = "import sys, time; print('started', flush=True); print('working', file=sys.stderr, flush=True); time.sleep(30)"
    outcome = run([PY, "-c", code], timeout=1)
    assert outcome.returncode is None and not outcome.ok
    assert outcome.stdout == "started\n"
    assert outcome.stderr == "working\n\ntimed out after 1s"
    assert outcome.tail(1) == "timed out after 1s"
    assert 1 <= outcome.seconds < 10


# -- a real virtual environment --------------------------------------------------------------


def toolkit_interpreter() -> Interpreter:
    """The base interpreter under the toolkit's own venv, found as the toolkit finds any."""
    answer = probe(sys.executable)
    assert not isinstance(answer, str), answer
    minor, full, _, path = answer
    return Interpreter(minor, full, Path(path), "PATH")


@pytest.fixture(scope="module")
def environment(tmp_path_factory) -> Environment:
    path = tmp_path_factory.mktemp("venvs") / "target"
    path.mkdir()
    (path / "left-over-from-an-old-run").write_text("x")
    made = create(path, toolkit_interpreter())
    assert isinstance(made, Environment), made.tail() if isinstance(made, Outcome) else made
    return made


def test_create_makes_a_fresh_venv_on_the_interpreter(environment):
    assert not (environment.path / "left-over-from-an-old-run").exists()  # the old one was removed
    outcome = run([environment.python, "-c", "import sys; print(sys.prefix, sys.base_prefix, sys.version_info[:2])"], 30)
    prefix, base, version = outcome.stdout.split(" ", 2)
    assert Path(prefix) == environment.path
    assert Path(base) != environment.path
    assert version.strip() == str(tuple(int(p) for p in environment.interpreter.version.split(".")))


def test_pip_runs_inside_the_venv(environment):
    outcome = environment.pip("--version")
    assert outcome.ok, outcome.tail()
    assert str(environment.path) in outcome.stdout


def test_pip_failure_is_an_outcome_with_pips_message(environment):
    outcome = environment.pip("install", "--no-index", "no-such-package-flask-lts==1.0", timeout=120)
    assert not outcome.ok
    assert "No matching distribution found for no-such-package-flask-lts==1.0" in outcome.tail()


def _wheel(directory: Path, name: str, version: str) -> Path:
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}.py": "VALUE = 1\n",
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    files[f"{dist_info}/RECORD"] = "".join(f"{f},,\n" for f in [*files, f"{dist_info}/RECORD"])
    path = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as whl:
        for member, text in files.items():
            whl.writestr(member, text)
    return path


def test_freeze_lists_what_is_installed_without_pip_itself(environment, tmp_path):
    assert "pip" not in environment.freeze()
    wheel = _wheel(tmp_path, "flask_lts_probe", "1.2.3")
    outcome = environment.pip("install", "--no-index", "--no-deps", str(wheel), timeout=120)
    assert outcome.ok, outcome.tail()
    try:
        assert environment.freeze() == {"flask-lts-probe": "1.2.3"}
    finally:
        environment.pip("uninstall", "--yes", "flask_lts_probe", timeout=120)
    assert environment.freeze() == {}


def test_create_on_an_interpreter_that_fails_raises_naming_the_venv_and_the_python(tmp_path):
    false = shutil.which("false")
    if false is None:
        pytest.skip("no false command here")
    with pytest.raises(EnvironmentCreationError) as raised:
        create(tmp_path / "venv", Interpreter("3.99", "3.99.0", Path(false), "PATH"))
    assert str(raised.value).startswith(f"{tmp_path / 'venv'}: could not create a venv with Python 3.99.0 ({false})")


def test_a_program_that_does_not_exist_is_an_outcome_not_a_traceback(tmp_path):
    outcome = run([str(tmp_path / "no-such-program"), "--version"], timeout=10)
    assert outcome.returncode == 127 and not outcome.ok
    assert outcome.tail() == f"cannot run {tmp_path / 'no-such-program'}: No such file or directory"
