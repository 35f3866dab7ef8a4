"""Canaries on bad input: a source the index does not have, a release that cannot install
under the channel, an sdist without tests and a suite that hangs each get a clear entry in
the report (status error, one line saying what and, for a conflict, which pin), and no
canary's trouble loses the others' results. Real index, real venvs, real sdists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, run_tools

pytestmark = pytest.mark.integration


def test_each_bad_canary_gets_a_clear_entry_and_the_run_goes_on(tmp_path: Path):
    proc = run_tools(
        "canaries", "--channel", "2024", "--python", "3.12", "--registry", str(ROOT / "tests/data/canaries/bad-input.toml"),
        "--reports-dir", str(tmp_path / "reports"), "--work-dir", str(tmp_path / "work"), "--no-verdicts", "--jobs", "2",
        "--sdist-cache", str(ROOT / ".cache" / "sdists"), "--testtools-cache", str(ROOT / ".cache" / "testtools"),
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    report = json.loads((tmp_path / "reports/canaries/2024/py3.12.json").read_text())
    results = {c["name"]: c for c in report["canaries"]}
    assert set(results) == {"no-such-project", "connexion", "flask-bootstrap", "sqlalchemy-continuum"}
    assert {c["status"] for c in results.values()} == {"error"}
    first = {name: c["problems"][0]["message"].splitlines()[0] for name, c in results.items()}
    assert "cannot be fetched: the package index has no such release" in first["no-such-project"]
    # the conflicting pin is named: connexion 2.14.2 wants werkzeug<2.3, the set pins 3.0.6
    assert "does not install under 2024" in first["connexion"] and "werkzeug<2.3" in first["connexion"] and "werkzeug==3.0.6" in first["connexion"]
    assert "no test ran: the sdist ships no tests" in first["flask-bootstrap"]
    assert "the suite hung: pytest timed out after 5s" in first["sqlalchemy-continuum"]
    assert report["status"] == "fail"
