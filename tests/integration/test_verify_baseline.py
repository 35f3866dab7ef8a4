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


CONTROLS = ROOT / "tests" / "data" / "controls"


def test_a_test_that_fails_in_the_era_set_another_way_stays_a_break(tmp_path: Path):
    # Flask-Session 0.4.0 on Flask 2.3.1 (the control flask-session-0.4.0-flask-2.3): its era
    # set fails the backend tests for want of servers and a table, the set under test fails
    # them with Flask 2.3's removed session_cookie_name. Failing "too" is no evidence then.
    stage = verify_one_suite(tmp_path, CONTROLS / "flask-session-0.4.0-flask-2.3.txt", "3.11", "flask-session")
    run = stage["details"]["packages"]["flask-session"]
    assert stage["status"] == "fail", run
    broken = {p["test"]: p for p in stage["problems"]}
    assert "test_session.py::FlaskSessionTestCase::test_redis_session" in broken, sorted(broken)
    assert "session_cookie_name" in json.dumps(stage["problems"]) or "AttributeError" in json.dumps(stage["problems"])
    assert any("another way" in note and "here AssertionError <- AttributeError" in note for note in run["notes"]), run["notes"]


def test_tests_that_need_servers_are_environment(tmp_path: Path):
    # Flask-Session 0.4.0 in the dated set of 2022-06-30: no Redis or MongoDB runs here, and
    # 0.4.0 never creates its SQLAlchemy table (it fails in its own era set too). The era set
    # must hold the suite's test tool Flask-SQLAlchemy of the era, with the era's SQLAlchemy:
    # with today's SQLAlchemy the era run failed another way and the tests stayed breaks.
    stage = verify_one_suite(tmp_path, SETS / "dated" / "2022-06-30-py3.9.txt", "3.9", "flask-session")
    assert stage["status"] == "pass" and stage["problems"] == [], stage["problems"][:3]
    rules = {n["test"].rsplit("::", 1)[-1]: n["rule"] for n in stage["not_counted"]}
    assert rules["test_mongodb_session"] == "service", rules
    assert rules["test_redis_session"] == "service-logged", rules
    assert rules["test_flasksqlalchemy_session"] == "fails-in-own-era-set", rules
    redis = next(n for n in stage["not_counted"] if n["test"].endswith("test_redis_session"))
    assert "the app logged redis.exceptions.ConnectionError" in redis["message"], redis
    era = next((tmp_path / "work").glob("*/baseline/flask-session/era.txt")).read_text()
    assert "with flask-sqlalchemy as the package index stood on" in era and "sqlalchemy==1." in era, era


def test_the_era_run_has_the_suites_helper_modules(tmp_path: Path):
    # Flask-CORS 3.0.8's test_acl_uncaught_exception_500 fails since Flask 1.1 (flask-cors#253),
    # in its era set too. Its module imports tests/base_test.py, which is named like a test
    # module: the era run must copy it (it runs the failing modules, it does not narrow the
    # files), else the era run fails at collection and the test stays a break, a false alarm.
    pinned = ROOT / "tests" / "data" / "controls" / "flask-cors-3.0.8-python-3.10.txt"
    stage = verify_one_suite(tmp_path, pinned, "3.10", "flask-cors")
    assert stage["status"] == "pass" and stage["problems"] == [], stage["problems"][:3]
    moved = [n["test"] for n in stage["not_counted"] if n["rule"] == "fails-in-own-era-set"]
    assert moved == ["tests/decorator/test_exception_interception.py::NoExceptionInterceptionTestCase::test_acl_uncaught_exception_500"]
