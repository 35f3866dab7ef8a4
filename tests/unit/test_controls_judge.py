"""The controls runner's judgement: caught, missed, passed, false alarm, from a verify report."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from flask_lts_tools._exceptions import ConstraintsError
from flask_lts_tools.controls import Control, judge, load_controls, summary_markdown, totals

CONTROLS = ROOT / "tests" / "data" / "controls"


def report(*stages: tuple[str, str, str], warnings: list[dict] | None = None) -> dict:
    out = []
    for name, status, message in stages:
        out.append({"name": name, "status": status, "problems": [{"message": message}] if message else [], "warnings": []})
    if warnings:
        out[-1]["warnings"] = warnings
    status = "fail" if any(s["status"] in ("fail", "error") for s in out) else "pass"
    return {"status": status, "seconds": 12.0, "stages": out}


def control(expect: str, stage: str = "imports", match: str = "url_decode") -> Control:
    return Control("x", Path("x.txt"), "3.11", expect, stage, match)


def test_a_broken_set_failing_at_its_stage_for_its_reason_is_caught():
    r = judge(control("fail"), report(("install", "pass", ""), ("imports", "fail", "ImportError: cannot import name 'url_decode'")))
    assert (r["outcome"], r["first_failing_stage"], r["stage_ok"], r["match_seen"]) == ("caught", "imports", True, True)
    assert "problems" not in r


def test_a_broken_set_caught_for_another_reason_lists_the_problems():
    r = judge(control("fail", "apps", "Subject must be a string"), report(("install", "pass", ""), ("apps", "fail", "collection failure: ImportError: get_jwt")))
    assert r["outcome"] == "caught" and r["match_seen"] is False
    assert r["problems"][0]["message"].startswith("collection failure")


def test_a_broken_set_that_passes_is_a_miss_with_the_apps_written_for_other_releases():
    rep = report(("install", "pass", ""), ("apps", "pass", ""))
    rep["stages"][0]["details"] = {"installed": {"flask": "2.3.1", "flask-session": "0.4.0", "werkzeug": "2.3.0", "cachelib": "0.10.2"}}
    r = judge(control("fail", "apps", "session_cookie_name"), rep, [ROOT / "compat-apps"])
    assert r["outcome"] == "missed"
    assert "test_session.py: needs flask-session>=0.7 (the set has 0.4.0)" in r["apps_skipped"]
    assert not any("not in the set" in s for s in r["apps_skipped"])
    assert "test_session.py" in summary_markdown([r], "install,apps", 10, 2)


def test_a_working_set_that_fails_is_a_false_alarm():
    r = judge(control("pass", match=""), report(("install", "pass", ""), ("apps", "fail", "AssertionError")))
    assert r["outcome"] == "false alarm"
    t = totals([r])
    assert (t["working"], t["passed"], t["false_alarms"]) == (1, 0, 1)


def test_a_warning_control_is_caught_by_its_warning_not_by_its_verdict():
    warning = {"category": "DeprecationWarning", "message": "'_app_ctx_stack' is deprecated", "origin": "flask_sqlalchemy"}
    caught = judge(control("warn", "warnings", "'_app_ctx_stack' is deprecated"), report(("apps", "pass", ""), warnings=[warning]))
    missed = judge(control("warn", "warnings", "'_app_ctx_stack' is deprecated"), report(("apps", "pass", "")))
    assert (caught["outcome"], missed["outcome"]) == ("caught", "missed")


def test_every_listed_control_loads_and_its_set_exists():
    controls = load_controls(sorted(CONTROLS.glob("*.toml")))
    assert len({c.slug for c in controls}) == len(controls) >= 36
    assert all(c.file.exists() for c in controls)


def test_a_malformed_list_names_the_file(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[control]]\nslug = "a"\nfile = "a.txt"\npython = "3.11"\nexpect = "maybe"\n')
    with pytest.raises(ConstraintsError, match="bad.toml: control a"):
        load_controls([bad])


def test_a_control_without_report_is_listed_as_not_run_and_left_out_of_the_figures():
    from flask_lts_tools.controls import not_run

    results = [not_run(control("fail")), judge(control("pass", match=""), report(("install", "pass", "")))]
    t = totals(results)
    assert (t["broken"], t["working"], t["passed"], t["not_run"]) == (0, 1, 1, 1)
    assert "Not run (no report): 1." in summary_markdown(results, "install", 1, 2)


def test_a_working_twin_failing_only_on_its_documented_break_is_told_apart_from_a_false_alarm():
    from flask_lts_tools.controls import AlsoBreaks

    twin = control("pass", match="")
    twin.also_breaks = [AlsoBreaks("upstream", "Flask 1.1.3 capped Werkzeug below 2.0", ("Flask 1.1.3 CHANGES",), package="flask")]
    documented = report(("install", "pass", ""), ("upstream", "fail", "RuntimeError: Working outside of request context."))
    documented["stages"][1]["problems"][0]["package"] = "flask"
    r = judge(twin, documented)
    assert r["outcome"] == "documented break" and r["documented"][0]["sources"] == ["Flask 1.1.3 CHANGES"]
    t = totals([r])
    assert (t["working"], t["passed"], t["false_alarms"], t["documented"]) == (1, 0, 0, 1)
    assert "only on a documented break they do not fix: 1" in summary_markdown([r], "all", 1, 1)

    # one problem the entry does not explain (another package's suite, or another stage): a false alarm
    other = report(("install", "pass", ""), ("upstream", "fail", "AssertionError"))
    other["stages"][1]["problems"] = [{"message": "RuntimeError", "package": "flask"}, {"message": "AssertionError", "package": "werkzeug"}]
    assert judge(twin, other)["outcome"] == "false alarm"
    elsewhere = report(("install", "pass", ""), ("apps", "fail", "RuntimeError"))
    elsewhere["stages"][1]["problems"][0]["package"] = "flask"
    assert judge(twin, elsewhere)["outcome"] == "false alarm"


def test_a_documented_break_needs_its_reason_and_sources(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[control]]\nslug = "a"\nfile = "a.txt"\npython = "3.11"\nexpect = "pass"\n'
        '[[control.also_breaks]]\nstage = "upstream"\npackage = "flask"\nreason = "capped"\n'
    )
    with pytest.raises(ConstraintsError, match="bad.toml: control a: each also_breaks needs"):
        load_controls([bad])
