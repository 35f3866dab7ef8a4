"""The differential baseline (docs/verify.md, "Failure classes", `fails-in-own-era-set`): a
suite's failing test that fails with the package's own era set too is not a break of the
set under test; one that passes there stays a break."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, run_tools

pytestmark = pytest.mark.integration
SETS = ROOT / "tests" / "data" / "sets"


def verify_one_suite(tmp_path: Path, pinned: Path, python: str, suite: str) -> dict:
    # an empty known-failures folder: the verdicts must come from the classes alone
    channels = tmp_path / "channels"
    (channels / "known-failures").mkdir(parents=True)
    (channels / "known-failures" / "common.toml").write_text("")
    proc = run_tools(
        "--channels-dir", str(channels), "verify", "--constraints", str(pinned), "--python", python,
        "--stages", "install,upstream", "--suites", suite,
        "--reports-dir", str(tmp_path / "reports"), "--work-dir", str(tmp_path / "work"), timeout=1500,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    report = json.loads((tmp_path / "reports" / pinned.stem / f"py{python}.json").read_text())
    return next(s for s in report["stages"] if s["name"] == "upstream")


def test_tests_that_fail_in_the_packages_own_era_too_are_not_breaks(tmp_path: Path):
    # Flask-Migrate 4.0.0's sdist lacks tests/custom_template/ (Flask-Migrate #501)
    stage = verify_one_suite(tmp_path, SETS / "flask-migrate-4.0.0.txt", "3.12", "flask-migrate")
    run = stage["details"]["packages"]["flask-migrate"]
    assert stage["status"] == "pass" and stage["problems"] == [], stage["problems"][:3]
    moved = [n for n in stage["not_counted"] if n["rule"] == "fails-in-own-era-set"]
    assert moved and all(n["test"].startswith("tests/test_custom_template.py") for n in moved), stage["not_counted"]
    assert all(n["kind"] == "environment" and "fails with flask-migrate 4.0.0 with the package index of " in n["message"] for n in moved)
    assert any(note.startswith("baseline (flask-migrate 4.0.0") for note in run["notes"]), run["notes"]
