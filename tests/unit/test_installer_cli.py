"""The `flask-lts` command line: --help and --version, clear one-line errors with exit 2
for bad arguments, info / constraints / dockerfile output, `use` outside a virtual
environment, and the same commands on every Python 3.8-3.13 found here."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from flask_lts_tools.dist import source_tree as stage
from flask_lts_tools.pythons import find_interpreters
from test_installer_metadata import make_channel

sys.path.insert(0, str(ROOT / "installer" / "src"))
from flask_lts.__main__ import main  # noqa: E402

COMMANDS = ["info", "constraints", "check", "use", "dockerfile"]


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A staged flask-lts for a small fake channel t: the directory to put on PYTHONPATH."""
    tmp = tmp_path_factory.mktemp("installer")
    channel, constraints = make_channel(tmp, pythons=("3.8", "3.9", "3.10", "3.11", "3.12", "3.13"))
    return stage(channel, constraints, ROOT / "installer", tmp / "tree").root / "src"


def cli(tree: Path, *args: str, python: str = sys.executable, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME")}
    full.update(PYTHONPATH=str(tree), **(env or {}))
    return subprocess.run([python, "-m", "flask_lts", *args], capture_output=True, text=True, timeout=120, env=full, cwd=tree)


def one_line_error(proc: subprocess.CompletedProcess, code: int, *needles: str) -> None:
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "error:" in lines[0], proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_on_every_command(tree, command):
    proc = cli(tree, *([command] if command else []), "--help")
    assert proc.returncode == 0 and "usage: flask-lts" in proc.stdout


def test_version_names_package_channel_and_python(tree):
    proc = cli(tree, "--version")
    assert proc.returncode == 0
    assert proc.stdout.startswith("flask-lts t.0 (Flask LTS t, Python 3.")


@pytest.mark.parametrize(
    "args,needles",
    [
        ([], ["required", "COMMAND"]),
        (["bogus"], ["invalid choice", "bogus"]),
        (["info", "--python", "three"], ["not a Python version"]),
        (["constraints", "--python", "3.7"], ["supports Python", "not 3.7"]),
        (["check", "--frobnicate"], ["unrecognized arguments"]),
        (["dockerfile", "--extras", "login,nope"], ["unknown extra 'nope'", "login, restx, all"]),
        (["dockerfile", "--python", "3.14"], ["not 3.14"]),
        (["dockerfile", "--app", "not an app"], ["not a WSGI application"]),
        (["dockerfile", "--port", "0"], ["not a TCP port"]),
    ],
)
def test_bad_arguments_exit_2_with_one_line(tree, args, needles):
    one_line_error(cli(tree, *args), 2, *needles)


def test_info_shows_dates_days_left_pythons_and_pins(tree):
    proc = cli(tree, "info", "--python", "3.8")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Flask LTS t (flask-lts t.0)" in out
    assert "security until:  2027-07-31" in out and "days" in out
    assert "Python:          3.8, 3.9, 3.10, 3.11, 3.12, 3.13" in out
    assert "click" in out and "8.1.7" in out  # the 3.8 pin
    assert "[login] Flask-Login 0.6.3" in out and "[restx] flask-restx 1.3.0" in out


def test_constraints_prints_the_bundled_file_for_this_python(tree, capsys):
    data = tree / "flask_lts" / "data"
    assert main(["constraints", "--python", "3.12"], data_dir=str(data)) == 0
    assert capsys.readouterr().out.strip() == str(data / "py3.12.txt")
    assert main(["constraints", "--hashes"], data_dir=str(data)) == 0
    assert capsys.readouterr().out.strip() == str(data / "flask-lts-t-hashes.txt")
    assert main(["constraints", "--all-pythons"], data_dir=str(data)) == 0
    assert capsys.readouterr().out.strip() == str(data / "flask-lts-t.txt")
    assert main(["constraints", "--print", "--python", "3.12"], data_dir=str(data)) == 0
    assert capsys.readouterr().out == (data / "py3.12.txt").read_text()


def test_dockerfile_uses_the_base_image_and_the_channel_version(tree):
    proc = cli(tree, "dockerfile", "--python", "3.12", "--extras", "login,restx")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "FROM ghcr.io/flask-lts/flask-lts:t-py3.12" in lines
    assert "COPY requirements.txt ." in lines
    assert 'RUN pip install --no-cache-dir "flask-lts[login,restx]==t.0" -r requirements.txt' in lines
    assert lines.index("COPY requirements.txt .") < lines.index("COPY . .")
    assert lines[-1].startswith('CMD ["gunicorn"')
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    if hadolint:
        lint = subprocess.run([hadolint, "-"], input=proc.stdout, capture_output=True, text=True, timeout=60)
        assert lint.returncode == 0, lint.stdout + lint.stderr


def test_use_outside_a_virtual_environment_refuses_and_says_what_to_do(tree, tmp_path):
    base = Path(sys.base_prefix) / "bin" / "python3"
    proc = cli(tree, "use", python=str(base))
    one_line_error(proc, 2, "not in a virtual environment", "--file")


def test_use_with_two_environments_in_play_asks_which(tree, tmp_path):
    if sys.prefix == sys.base_prefix:
        pytest.skip("the test suite itself does not run in a virtual environment")
    proc = cli(tree, "use", env={"VIRTUAL_ENV": str(tmp_path / "other")})
    one_line_error(proc, 2, "VIRTUAL_ENV is", "--file")


def test_use_file_and_undo_round_trip(tree, tmp_path):
    target = tmp_path / "pip.conf"
    target.write_text("[global]\ntimeout = 60\n")
    proc = cli(tree, "use", "--file", str(target), env={"PIP_CONFIG_FILE": str(target)})
    assert proc.returncode == 0, proc.stderr
    assert "flask-lts-t.txt" in target.read_text() and "wrote" in proc.stdout
    assert cli(tree, "use", "--undo", "--file", str(target)).returncode == 0
    assert target.read_text() == "[global]\ntimeout = 60\n"
    assert "nothing to undo" in cli(tree, "use", "--undo", "--file", str(target)).stdout


def test_the_command_line_runs_on_every_python_found(tree):
    found, _ = find_interpreters(["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"])
    if not found:
        pytest.skip("no Python 3.8-3.13 interpreter found")
    for version, interpreter in found.items():
        for args in (["--version"], ["info"], ["constraints"], ["dockerfile"], ["check", "--json"]):
            proc = cli(tree, *args, python=str(interpreter.path))
            assert proc.returncode in (0, 1), (version, args, proc.stderr)
            assert "Traceback" not in proc.stderr, (version, args, proc.stderr)
        path = cli(tree, "constraints", python=str(interpreter.path)).stdout.strip()
        assert path.endswith(f"py{version}.txt"), (version, path)
