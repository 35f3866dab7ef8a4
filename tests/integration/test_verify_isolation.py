"""A pytest plugin the set installs is the set's to be judged, not a hazard for every other
suite: pytest-flask 1.2.0 with Flask 3.1 (its plugin module no longer imports) must fail
the imports stage, naming the plugin module, while the compat apps still run and pass
without it (docs/verify.md, "Plugins")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, run_tools

pytestmark = pytest.mark.integration
SET = ROOT / "tests" / "data" / "sets" / "pytest-flask-1.2.0-flask-3.1.txt"


# pytest and what it needs, pinned as a requirements file pins them for an app's own tests
PYTEST_7_2_1 = "pytest==7.2.1\niniconfig==2.0.0\npluggy==1.0.0\npackaging==23.0\nattrs==22.2.0\nexceptiongroup==1.1.0\ntomli==2.0.1\n"


def verify_stage(tmp_path: Path, name: str, pins: str, python: str, stages: str, stage: str, *more: str) -> dict:
    """Verify a small set written as `name`.txt, as a user runs it; the report of `stage`."""
    constraints = tmp_path / f"{name}.txt"
    constraints.write_text(pins)
    proc = run_tools(
        "verify", "--constraints", str(constraints), "--python", python, "--stages", stages, *more,
        "--reports-dir", str(tmp_path / "reports"), "--work-dir", str(tmp_path / "work"), timeout=1200,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    report = json.loads((tmp_path / "reports" / name / f"py{python}.json").read_text())
    return {s["name"]: s for s in report["stages"]}[stage]


def test_a_broken_pytest_plugin_fails_imports_and_leaves_the_apps_alone(tmp_path: Path):
    proc = run_tools(
        "verify", "--constraints", str(SET), "--python", "3.13", "--stages", "install,pip-check,imports,apps",
        "--reports-dir", str(tmp_path / "reports"), "--work-dir", str(tmp_path / "work"), timeout=1200,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    report = json.loads((tmp_path / "reports" / SET.stem / "py3.13.json").read_text())
    stages = {s["name"]: s for s in report["stages"]}
    assert proc.returncode == 1 and stages["imports"]["status"] == "fail"
    problems = stages["imports"]["problems"]
    assert [(p["package"], p["module"]) for p in problems] == [("pytest-flask", "pytest_flask.plugin")], problems
    assert "cannot import name '_request_ctx_stack' from 'flask'" in problems[0]["message"]
    apps = stages["apps"]
    assert apps["status"] == "pass", apps["problems"][:3]
    assert "test_flask_core.py" in apps["details"]["apps"] and apps["details"]["tests"] >= 10
    assert apps["details"]["plugins_not_loaded"] == ["pytest-flask (pytest_flask.plugin)"]


def test_apps_on_flask_1_0_run_without_assertion_rewriting(tmp_path: Path):
    """Flask 1.0.2 asks the loader of the module that created the app whether it is a package;
    pytest's assertion rewriter (5.0 on) has no is_package(), so every compat app failed at
    setup, a harness artifact no real app meets (resources/harness.toml). With the rule the apps
    run and pass, and the report says which rule applied."""
    apps = verify_stage(
        tmp_path, "flask-1.0.2-login-0.4.1",
        "Flask==1.0.2\nWerkzeug==0.15.5\nJinja2==2.10.1\nitsdangerous==1.1.0\nclick==7.0\nMarkupSafe==1.1.1\nFlask-Login==0.4.1\n",
        "3.8", "install,apps", "apps",
    )  # fmt: skip
    assert apps["status"] == "pass", apps["problems"][:3]
    assert {"test_login.py", "test_flask_core.py"} <= set(apps["details"]["apps"]) and apps["details"]["tests"] >= 15
    assert apps["details"]["gaps"] == []  # Flask 1.0 gets the core app too
    assert apps["details"]["harness"][0].startswith("--assert=plain (flask 1.0.2 <1.0.4)")


def test_a_set_that_pins_pytest_runs_the_suites_under_it(tmp_path: Path):
    """A requirements file that pins pytest for the app's own tests (PowerDNS-Admin's, pytest
    7.2.1): the set wins, so its pytest runs every suite, and the report says so. Before, each
    suite asked for its era's pytest beside it, which never resolves under the set's pins (five
    suites `error`), and Werkzeug's tools lost their `py` to pytest 7.2's shim."""
    upstream = verify_stage(
        tmp_path, "flask-2.2-pytest-7.2.1",
        "Flask==2.2.5\nWerkzeug==2.2.3\nJinja2==3.1.2\nitsdangerous==2.1.2\nclick==8.1.3\nMarkupSafe==2.1.2\n" + PYTEST_7_2_1,
        "3.10", "install,upstream", "upstream", "--suites", "click,werkzeug",
    )  # fmt: skip
    assert upstream["status"] == "pass", [p["message"][:300] for p in upstream["problems"]]
    for name in ("click", "werkzeug"):
        package = upstream["details"]["packages"][name]
        assert package["passed"] > 100 and not any(r.startswith("pytest==") for r in package["requirements"]), package
        assert any("pytest 7.2.1 is the set's own pin" in n for n in package["notes"])


def test_a_suite_the_sets_pytest_cannot_collect_is_no_verdict_and_says_so(tmp_path: Path):
    """SQLAlchemy 1.3's pytest plugin builds pytest.Instance collectors, which pytest 7 no longer
    uses: under a set that pins pytest 7.2.1 (PowerDNS-Admin's 2023 file) the suite collects
    nothing. That is `error` (no verdict on SQLAlchemy's code), named with the set's pytest;
    it used to be a `fail` whose first line was pytest's warning count."""
    upstream = verify_stage(
        tmp_path, "sqlalchemy-1.3-pytest-7.2.1", "SQLAlchemy==1.3.24\n" + PYTEST_7_2_1,
        "3.10", "install,upstream", "upstream", "--suites", "sqlalchemy",
    )  # fmt: skip
    assert upstream["details"]["packages"]["sqlalchemy"]["status"] == "error", upstream["details"]["packages"]
    first = upstream["problems"][0]["message"].splitlines()[0]
    assert first.startswith("pytest collected no tests under the set's own pytest 7.2.1"), first
