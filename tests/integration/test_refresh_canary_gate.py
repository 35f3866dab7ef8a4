"""`refresh` lets nothing in that regresses a canary: the whole loop, as a maintainer runs it.

Channel 2024 as it would be while `supported` (no status cap, no hold yet), on Python 3.12,
with APIFairy as its one canary. The index offers Flask-HTTPAuth 4.8.1 (which changed
behaviour) and the SQLAlchemy patch releases the channel's cap keeps out today. The
refresh verifies the candidate, runs the canary, judges its failure against the current
pins (regressed), bisects the moved pins to Flask-HTTPAuth, records the hold, resolves
again without 4.8.1, verifies and runs the canary again (now passing) and writes the new
serial with everything else. Real index, real venvs, the canary's real sdist suite."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT, run_tools

pytestmark = pytest.mark.integration


def _one_canary(name: str) -> str:
    text = (ROOT / "channels" / "canaries" / "registry.toml").read_text()
    start = text.index(f"[canary.{name}]")
    end = text.find("\n[canary.", start + 1)
    return text[start : end if end != -1 else len(text)] + "\n"


def test_refresh_holds_the_release_that_regresses_a_canary_and_takes_the_rest(tmp_path: Path):
    channels = tmp_path / "channels"
    channels.mkdir()
    text = (ROOT / "channels" / "2024.toml").read_text()
    serial = tomllib.loads(text)["channel"]["serial"]
    text = text.replace('status = "security-only"', 'status = "supported"')
    text = re.sub(r'supported = \[[^\]]*\]', 'supported = ["3.12"]', text, count=1)
    # as before the hold was recorded: the [[held]] table (up to the next table) taken out
    text = re.sub(r"(?ms)^\[\[held\]\]\n.*?(?=^\[|\Z)", "", text)
    (channels / "2024.toml").write_text(text)
    registry = tmp_path / "registry.toml"
    registry.write_text(_one_canary("apifairy"))
    constraints = tmp_path / "constraints"
    shutil.copytree(ROOT / "constraints", constraints)
    before = (constraints / "flask-lts-2024.txt").read_text()
    assert "flask-httpauth==4.8.0" in before and "sqlalchemy==2.0.51" in before

    proc = run_tools(
        "--channels-dir", str(channels), "--tools-dir", str(ROOT / ".cache" / "tools"),
        "refresh", "2024", "--stages", "install,pip-check,imports", "--registry", str(registry),
        "--constraints-dir", str(constraints), "--reports-dir", str(tmp_path / "reports"),
        "--work-dir", str(tmp_path / "work"), "--api-cache", str(ROOT / ".cache" / "api-diff"),
        "--sdist-cache", str(ROOT / ".cache" / "sdists"), "--testtools-cache", str(ROOT / ".cache" / "testtools"),
        "--jobs", "2", timeout=1800,
    )  # fmt: skip
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]

    # the first candidate took 4.8.1 (from 4.8.0, or from the channel's build of it since serial
    # 2024.2), and its API difference was flagged
    assert re.search(r"4\.8\.0(\+lts2024\.\d+)? -> 4\.8\.1", out) and "API REMOVED in a patch release" in out, out[-4000:]
    # the gate judged, bisected and held it
    assert re.search(r"canaries: hold flask-httpauth at 4\.8\.0(\+lts2024\.\d+)?, refusing 4\.8\.1 \(apifairy\)", out), out[-4000:]
    data = tomllib.loads((channels / "2024.toml").read_text())
    (hold,) = data["held"]
    assert (hold["package"], hold["held-at"].split("+")[0], hold["refused"], hold["canaries"]) == ("flask-httpauth", "4.8.0", "4.8.1", ["apifairy"])
    assert hold["tests"] == ["tests/test_apifairy.py::TestAPIFairy::test_basic_auth"]
    assert data["channel"]["serial"] == serial + 1
    # the rest came in; the held release did not
    after = (constraints / "flask-lts-2024.txt").read_text()
    assert "flask-httpauth==4.8.0" in after and "sqlalchemy==2.0.51" not in after
    changes = (constraints / "2024" / "CHANGES.md").read_text()
    assert f"## 2024.{serial + 1}" in changes and re.search(r"held: flask-httpauth stays at 4\.8\.0(\+lts2024\.\d+)?; 4\.8\.1 is refused", changes)
