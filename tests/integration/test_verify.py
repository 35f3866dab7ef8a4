"""The verifier on real environments: a channel passes, bad input gives a clear
report entry or one-line error, and one stage's crash keeps the others' results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import assert_one_line_error, run_tools

pytestmark = pytest.mark.integration

SMALL = """flask==3.0.3
werkzeug==3.0.6
jinja2==3.1.4
markupsafe==2.1.5
itsdangerous==2.2.0
click==8.1.8
blinker==1.8.2
flask-login==0.6.3
"""


def verify(tmp_path: Path, *args: str):
    return run_tools(
        "verify", "--reports-dir", str(tmp_path / "reports"), "--work-dir", str(tmp_path / "work"), *args, timeout=3000
    )


def report(tmp_path: Path, name: str, python: str) -> dict:
    return json.loads((tmp_path / "reports" / name / f"py{python}.json").read_text())


def stage(data: dict, name: str) -> dict:
    return next(s for s in data["stages"] if s["name"] == name)


# CI verifies each channel fully on one Python (the oldest of 2024, the newest of
# 2026); `make verify` covers every Python.
@pytest.mark.parametrize("channel,python", [("2024", "3.8"), ("2026", "3.13")])
def test_channel_is_known_good(tmp_path, channel, python):
    proc = verify(tmp_path, "--channel", channel, "--python", python)
    data = report(tmp_path, channel, python)
    failing = {s["name"]: s["problems"][:3] for s in data["stages"] if s["status"] in ("fail", "error")}
    assert proc.returncode == 0 and not failing, failing or proc.stderr[-3000:]
    assert [s["name"] for s in data["stages"]] == ["install", "pip-check", "imports", "apps", "upstream"]
    assert stage(data, "imports")["details"]["modules"] > 50
    assert stage(data, "apps")["details"]["tests"] >= 70
    assert (tmp_path / "reports" / channel / "summary.md").read_text().count("| install |") == 1
    assert "| install | pass" in proc.stdout


def test_unparsable_constraints_is_a_one_line_error(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("flask==3.0.3\nwerkzeug>=3\n")
    proc = verify(tmp_path, "--constraints", str(bad), "--python", "3.11")
    assert_one_line_error(proc, "bad.txt:2:", "not pinned")
    assert not (tmp_path / "reports").exists()


def test_missing_python_is_reported_not_hidden(tmp_path):
    pins = tmp_path / "small.txt"
    pins.write_text(SMALL)
    proc = verify(tmp_path, "--constraints", str(pins), "--python", "3.19", "--stages", "install")
    assert proc.returncode == 1
    data = report(tmp_path, "small", "3.19")
    assert data["status"] == "fail"
    assert "Python 3.19 not found" in stage(data, "install")["problems"][0]["message"]


def test_set_that_cannot_install_fails_at_install_and_skips_the_rest(tmp_path):
    pins = tmp_path / "conflict.txt"
    # Flask 3.0.3 requires Werkzeug >= 3.0.0: pip cannot install this set.
    pins.write_text(SMALL.replace("werkzeug==3.0.6", "werkzeug==2.3.8"))
    proc = verify(tmp_path, "--constraints", str(pins), "--python", "3.11", "--stages", "install,pip-check,imports")
    assert proc.returncode == 1
    data = report(tmp_path, "conflict", "3.11")
    install = stage(data, "install")
    assert install["status"] == "fail" and "pip install failed" in install["problems"][0]["message"]
    assert "werkzeug" in install["problems"][0]["message"].lower()
    assert [s["status"] for s in data["stages"][1:]] == ["skip", "skip"]


def test_a_requirements_file_with_extras_installs_them_and_is_judged_like_any_set(tmp_path):
    # pip-compile keeps the extras asked for (`flask[dotenv]==3.0.3`); pip refuses them in a
    # constraints file, so the set is given to pip as requirements with them and as
    # constraints without them: the extra's own pin (python-dotenv) must then be installed.
    pins = tmp_path / "requirements.txt"
    pins.write_text(SMALL.replace("flask==3.0.3", "flask[dotenv]==3.0.3  # via -r requirements.in") + "python-dotenv==1.0.1\n")
    proc = verify(tmp_path, "--constraints", str(pins), "--python", "3.12", "--stages", "install,pip-check")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    install = stage(report(tmp_path, "requirements", "3.12"), "install")
    assert install["status"] == "pass" and "flask[dotenv]" in install["details"]["packages"]
    assert install["details"]["installed"]["python-dotenv"] == "1.0.1"
    # without the extra's pin, pip installs python-dotenv anyway and the set is not fully pinned
    pins.write_text(pins.read_text().replace("python-dotenv==1.0.1\n", ""))
    proc = verify(tmp_path, "--constraints", str(pins), "--python", "3.12", "--stages", "install")
    install = stage(report(tmp_path, "requirements", "3.12"), "install")
    assert proc.returncode == 1 and install["problems"][0]["package"] == "python-dotenv", install["problems"]


def test_a_crashing_stage_keeps_the_other_results(tmp_path):
    pins = tmp_path / "small.txt"
    pins.write_text(SMALL)
    apps = tmp_path / "apps"
    apps.mkdir()
    # REQUIRES must be a literal: this one makes the apps stage itself crash.
    (apps / "test_broken.py").write_text("REQUIRES = list(['flask'])\n")
    proc = verify(tmp_path, "--constraints", str(pins), "--python", "3.11", "--stages", "install,pip-check,imports,apps", "--apps", str(apps))
    assert proc.returncode == 1
    data = report(tmp_path, "small", "3.11")
    assert [(s["name"], s["status"]) for s in data["stages"][:4]] == [
        ("install", "pass"), ("pip-check", "pass"), ("imports", "pass"), ("apps", "error"),
    ]  # fmt: skip
    assert "test_broken.py:1: REQUIRES must be a literal list of requirement strings" in stage(data, "apps")["problems"][0]["message"]


def test_merge_combines_shards(tmp_path):
    pins = tmp_path / "small.txt"
    pins.write_text(SMALL)
    for python in ("3.10", "3.12"):
        proc = verify(tmp_path, "--constraints", str(pins), "--python", python, "--stages", "install,imports")
        assert proc.returncode == 0, proc.stderr[-2000:]
    merged = run_tools("merge-reports", str(tmp_path / "reports" / "small"), "-o", str(tmp_path / "merged.md"))
    assert merged.returncode == 0, merged.stderr
    text = (tmp_path / "merged.md").read_text()
    assert "| stage | py3.10 | py3.12 |" in text
    assert "| imports | pass" in text
    assert_one_line_error(run_tools("merge-reports", str(tmp_path / "nothing-here")), "nothing-here: no such file")
    (tmp_path / "empty").mkdir()
    assert_one_line_error(run_tools("merge-reports", str(tmp_path / "empty")), "no verification reports found")
