"""What pip really does with the hashed files (see docs/constraints.md):
- pip < 26.1: a hashed file given with -c switches pip into hash-checking mode and
  refuses a partial install; given with -r it installs the whole channel, checked.
- pip >= 26.1: -c hashed works when the file covers everything installed, and
  refuses packages it does not cover."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import installable_constraints, installed_versions
from flask_lts_tools.constraints import pins_for, read_pins
from flask_lts_tools.pythons import require_interpreters

pytestmark = pytest.mark.integration


def venv(tmp_path: Path, python: str, pip: str | None = None) -> list[str]:
    interpreter = require_interpreters([python])[python]
    path = tmp_path / f"venv{python}"
    subprocess.run([str(interpreter.path), "-m", "venv", str(path)], check=True, timeout=300)
    cmd = [str(path / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    if pip:
        subprocess.run([*cmd, "install", "-q", f"pip=={pip}"], check=True, timeout=300, capture_output=True)
    return cmd


def run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=1500)


@pytest.fixture
def constraints(tmp_path: Path):
    """The committed files, the channels' own indexes (if named) served here."""
    with installable_constraints(tmp_path) as folder:
        yield folder


def test_old_pip_refuses_hashed_constraints_but_installs_the_hashed_requirements(tmp_path, constraints):
    pip = venv(tmp_path, "3.8")  # pip 23.0.1, what a fresh 3.8 venv has
    hashed = constraints / "flask-lts-2024-hashes.txt"
    refused = run([*pip, "install", "-c", str(hashed), "flask"])
    assert refused.returncode != 0
    assert "require-hashes" in refused.stderr and "must have their versions pinned" in refused.stderr
    full = run([*pip, "install", "--require-hashes", "-r", str(hashed)])
    assert full.returncode == 0, full.stderr[-3000:]
    expected = {name: pin.version for name, pin in pins_for(read_pins(hashed), "3.8").items()}
    assert installed_versions(pip) == expected


def test_new_pip_accepts_hashed_constraints_for_covered_packages_only(tmp_path, constraints):
    pip = venv(tmp_path, "3.13", pip="26.3")
    hashed = constraints / "flask-lts-2026-hashes.txt"
    ok = run([*pip, "install", "-c", str(hashed), "flask", "flask-login"])
    assert ok.returncode == 0, ok.stderr[-3000:]
    expected = pins_for(read_pins(hashed), "3.13")
    assert f"flask-{expected['flask'].version}" in ok.stdout
    outside = run([*pip, "install", "-c", str(hashed), "requests"])
    assert outside.returncode != 0 and "must have their versions pinned" in outside.stderr
