"""Acceptance: each channel's one constraints file installs the whole channel, exactly
pinned, on its lowest and highest Python (every Python with FLASK_LTS_PYTHONS=all)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, installable_constraints, installed_versions
from flask_lts_tools.channel import load_channel
from flask_lts_tools.constraints import pins_for, read_pins
from flask_lts_tools.pythons import require_interpreters

pytestmark = pytest.mark.integration


def cases() -> list[tuple[str, str]]:
    chosen = []
    for path in sorted((ROOT / "channels").glob("*.toml")):
        channel = load_channel(path)
        pythons = channel.pythons if os.environ.get("FLASK_LTS_PYTHONS") == "all" else (channel.pythons[0], channel.pythons[-1])
        chosen += [(channel.name, p) for p in dict.fromkeys(pythons)]
    return chosen


@pytest.mark.parametrize("channel_name,python", cases())
def test_constraints_file_installs_the_exact_pins(tmp_path: Path, channel_name: str, python: str):
    channel = load_channel(ROOT / "channels" / f"{channel_name}.toml")
    constraints = ROOT / "constraints" / f"flask-lts-{channel_name}.txt"
    expected = pins_for(read_pins(constraints), python)
    interpreter = require_interpreters([python])[python]
    venv = tmp_path / "venv"
    subprocess.run([str(interpreter.path), "-m", "venv", str(venv)], check=True, timeout=300)
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    # a serial pinning the channel's builds names its index: installed through it, served here
    with installable_constraints(tmp_path) as copy:
        install = subprocess.run(
            [*pip, "install", "--disable-pip-version-check", "-c", str(copy / constraints.name), *channel.top_packages()],
            capture_output=True, text=True, timeout=1500,
        )  # fmt: skip
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    installed = installed_versions(pip)
    for name in channel.top_packages():
        assert name in installed, f"{name} not installed"
    wrong = {n: (v, expected[n].version if n in expected else None) for n, v in installed.items() if n not in expected or expected[n].version != v}
    assert not wrong, f"installed versions differ from the pins (installed, pinned): {wrong}"
    check = subprocess.run([*pip, "check"], capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
