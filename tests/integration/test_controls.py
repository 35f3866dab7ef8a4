"""Negative controls: real historical breakages of the Flask ecosystem must FAIL the
verifier at the right stage for the right reason, and their fixed twins must pass.
A verifier that never fails is worthless. The sets live in tests/data/controls/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_tools
from flask_lts_tools._toml import tomllib

pytestmark = pytest.mark.integration
CONTROLS_DIR = ROOT / "tests" / "data" / "controls"
CONTROLS = tomllib.loads((CONTROLS_DIR / "controls.toml").read_text())["control"]
ORDER = ["install", "pip-check", "imports", "apps"]


@pytest.mark.parametrize("control", CONTROLS, ids=[c["slug"] for c in CONTROLS])
def test_control(tmp_path: Path, control: dict):
    apps = tmp_path / "apps"
    apps.mkdir()
    stages = ["install", "pip-check", "imports"]
    if control.get("app"):
        shutil.copy(CONTROLS_DIR / control["app"], apps / Path(control["app"]).name)
        stages.append("apps")
    proc = run_tools(
        "verify", "--constraints", str(CONTROLS_DIR / control["file"]), "--name", control["slug"],
        "--python", control["python"], "--stages", ",".join(stages), "--apps", str(apps),
        "--reports-dir", str(tmp_path / "reports"), "--work-dir", str(tmp_path / "work"), timeout=1500,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    report = json.loads((tmp_path / "reports" / control["slug"] / f"py{control['python']}.json").read_text())
    statuses = {s["name"]: s["status"] for s in report["stages"]}
    if control["expect"] == "pass":
        assert proc.returncode == 0, json.dumps([s["problems"][:2] for s in report["stages"]], indent=1)[-3000:]
        assert all(statuses[s] == "pass" for s in stages), statuses
        return
    assert proc.returncode == 1, statuses
    first_failing = next(s for s in ORDER if statuses.get(s) in ("fail", "error"))
    assert first_failing == control["stage"], statuses
    # every stage before the failing one passed: e.g. pip check was green for the Flask-Login incident
    assert all(statuses[s] == "pass" for s in ORDER[: ORDER.index(first_failing)]), statuses
    failing = next(s for s in report["stages"] if s["name"] == first_failing)
    messages = "\n".join(p["message"] for p in failing["problems"])
    assert control["match"] in messages, messages[-3000:]


def test_controls_runner_judges_a_pair_as_a_user_runs_verify(tmp_path: Path):
    """`flask-lts-tools controls` on the Flask-Login incident and its twin: the broken set is
    caught at imports for its reason, the twin passes, and the report says so."""
    proc = run_tools(
        "controls", "--only", "flask-login-0.6.2-werkzeug-3.0", "--only", "flask-login-0.6.3-werkzeug-3.0",
        "--stages", "install,pip-check,imports", "--jobs", "2", "--output", str(tmp_path / "out"),
        "--reports-dir", str(tmp_path / "reports"), "--work-dir", str(tmp_path / "work"), timeout=1500,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    report = json.loads((tmp_path / "out.json").read_text())
    outcomes = {c["slug"]: (c["outcome"], c["first_failing_stage"], c["match_seen"]) for c in report["controls"]}
    assert outcomes == {
        "flask-login-0.6.2-werkzeug-3.0": ("caught", "imports", True),
        "flask-login-0.6.3-werkzeug-3.0": ("passed", "", None),
    }
    assert proc.returncode == 0 and "caught: **1 of 1**" in (tmp_path / "out.md").read_text()
