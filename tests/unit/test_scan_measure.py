"""scan-measure's judgement: which breaks a scan predicted (a finding's line in the
traceback, or a verdict naming its rule), which findings are false, which breaks --fix
repaired; the subjects file parses; a written report is judged again without a rerun."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT
from flask_lts_tools._exceptions import CanaryError
from flask_lts_tools.report import portable
from flask_lts_tools.scan_measure import Measurement, SubjectResult, load_subjects, locations, markdown, names_finding, rejudge
from flask_lts_tools.scan_measure._measure import judge
from flask_lts_tools.scan_measure._run import SuiteRun, line_maps, original_frames

SUBJECTS = ROOT / "channels" / "canaries" / "scan-subjects.toml"

TRACE = """tests/test_login.py:3: in <module>
    from flask_login import LoginManager
../../venv/lib/python3.10/site-packages/flask_login/utils.py:14: in <module>
    from werkzeug.urls import url_decode
E   ImportError: cannot import name 'url_decode' from 'werkzeug.urls'"""


def test_frames_are_read_from_the_package_or_the_suite_folder():
    where = locations(TRACE + "\n/srv/ci/.cache/verify/w/upstream/flask-login/tests/conftest.py:7: in app")
    assert ("flask_login/utils.py", 14) in where
    assert ("tests/test_login.py", 3) in where
    assert ("tests/conftest.py", 7) in where


def test_a_finding_matches_a_frame_from_the_end_of_its_path():
    frames = [["flask_login/utils.py", 14]]
    assert names_finding(frames, {"path": "src/flask_login/utils.py", "line": 14})
    assert not names_finding(frames, {"path": "src/flask_login/utils.py", "line": 15})
    assert not names_finding(frames, {"path": "src/other/utils.py", "line": 14})


def _result(new_failing: dict, frames: dict, after_fix: SuiteRun | None = None) -> SubjectResult:
    finding = {"path": "src/flask_login/utils.py", "rule": "werkzeug-urls", "kind": "removed", "since": "3.0.0", "message": "m", "fixable": False}
    result = SubjectResult("flask-login-0-6-2", "flask-login", "0.6.2", findings=[{**finding, "line": 14}, {**finding, "line": 40}])
    result.old = SuiteRun("2022", tests=113, passed=113)
    result.new = SuiteRun("2024", status="fail", failing=new_failing, frames=frames)
    result.after_fix = after_fix
    return result


def test_judge_counts_predicted_breaks_false_findings_and_fixes(tmp_path):
    subjects = tmp_path / "subjects.toml"
    subjects.write_text(
        '[subject.flask-login-0-6-2]\ndistribution = "flask-login"\nversions = { "2022" = "0.6.2" }\ngroups = ["login"]\n'
        'chosen = "x"\ntests = ["tests"]\n'
        '[[verdict.flask-login-0-6-2.failure]]\ntest = "tests.test_login"\nkind = "api"\ncause = "werkzeug.urls"\n'
        '[[verdict.flask-login-0-6-2.failure]]\ntest = "tests/test_x.py::*"\nkind = "other"\ncause = "a timing test"\n'
        '[[verdict.flask-login-0-6-2.finding]]\nrule = "werkzeug-urls"\npath = "src/flask_login/utils.py:40"\nverdict = "false"\nreason = "dead code"\n'
    )  # fmt: skip
    [subject] = load_subjects("2022", "2024", path=subjects, registry=ROOT / "channels" / "canaries" / "registry.toml")
    fixed = SuiteRun("2024", failing={"tests/test_x.py::test_slow": "AssertionError"})
    result = _result({"tests.test_login": "ImportError", "tests/test_x.py::test_slow": "AssertionError"},
                     {"tests.test_login": [["flask_login/utils.py", 14]]}, fixed)  # fmt: skip
    judge(subject, result)
    counts = result.counts()
    assert (counts["breaks"], counts["api"], counts["other"], counts["api_predicted"]) == (2, 1, 1, 1)
    assert (counts["confirmed"], counts["false"], counts["fixed_by_fix"]) == (1, 1, 1)
    assert [b.predicted_by for b in result.breaks] == [["werkzeug-urls"], []]
    judge(subject, result)  # judging again gives the same answer
    assert result.counts() == counts


def test_a_module_that_imports_after_fix_is_repaired_only_when_its_tests_pass(tmp_path):
    # flask-whooshee 0.8.2: --fix moves BaseQuery, test.py imports again, and then most of its
    # tests fail on db.create_all(app=...), which --fix cannot rewrite. Not a repair, and not
    # tests broken by --fix either: they never ran unfixed.
    subjects = tmp_path / "subjects.toml"
    subjects.write_text(
        '[subject.flask-login-0-6-2]\ndistribution = "flask-login"\nversions = { "2022" = "0.6.2" }\ngroups = ["login"]\n'
        'chosen = "x"\ntests = ["tests"]\n'
    )  # fmt: skip
    [subject] = load_subjects("2022", "2024", path=subjects, registry=ROOT / "channels" / "canaries" / "registry.toml")
    unfixed = {"tests.test_login": "ImportError", "tests.test_other": "ImportError", "tests/test_x.py::test_y": "AssertionError"}
    after = SuiteRun("2024", status="fail", failing={"tests/test_login.py::TestLogin::test_app": "TypeError: create_all() got an unexpected keyword argument 'app'"})
    result = _result(unfixed, {}, after)
    judge(subject, result)
    by_test = {b.test: b for b in result.breaks}
    assert not by_test["tests.test_login"].fixed
    assert by_test["tests.test_login"].left == ["tests/test_login.py::TestLogin::test_app"]
    assert by_test["tests.test_other"].fixed and by_test["tests.test_other"].left == []
    assert by_test["tests/test_x.py::test_y"].fixed
    assert result.fix_broke == []
    assert "no: it runs now, 1 of its tests fail" in markdown(Measurement("2022", "2024", "3.10", "x", "now", subjects=[result]))
    # a suite that did not start is repaired only when the whole suite passes after --fix
    result = _result({"<suite>": "ImportError"}, {}, after)
    judge(subject, result)
    assert not result.breaks[0].fixed and result.fix_broke == []
    result = _result({"<suite>": "ImportError"}, {}, SuiteRun("2024"))
    judge(subject, result)
    assert result.breaks[0].fixed


def test_the_fixed_copys_tracebacks_are_read_in_the_original_line_numbers(tmp_path):
    # --fix split flask-whooshee's test.py import in two: every later line moved one down.
    original, fixed = tmp_path / "original", tmp_path / "fixed"
    for tree, head in ((original, ["from flask_sqlalchemy import SQLAlchemy, BaseQuery"]),
                       (fixed, ["from flask_sqlalchemy import SQLAlchemy", "from flask_sqlalchemy.query import Query"])):  # fmt: skip
        (tree / "src" / "pkg").mkdir(parents=True)
        (tree / "test.py").write_text("\n".join(["import os", *head, "", "db.create_all(app=app)", ""]))
        (tree / "src" / "pkg" / "same.py").write_text("x = 1\n")
    maps = line_maps(original, fixed)
    assert maps == {"test.py": {3: 2, 4: 3, 5: 4}}
    frames = original_frames([["test.py", 5], ["pkg/same.py", 1], ["sqlalchemy/orm/x.py", 5]], maps)
    assert frames == [["pkg/same.py", 1], ["sqlalchemy/orm/x.py", 5], ["test.py", 4]]
    assert names_finding(frames, {"path": "test.py", "line": 4})


def test_a_written_report_is_judged_again_with_new_verdicts(tmp_path):
    m = Measurement("2022", "2024", "3.10", "3.10.13", "2026-11-30T00:00:00+00:00")
    m.subjects.append(_result({"tests.test_login": "ImportError"}, {"tests.test_login": [["flask_login/utils.py", 99]]}))
    report = tmp_path / "2022-to-2024.json"
    report.write_text(json.dumps(m.to_json()))
    subjects = tmp_path / "subjects.toml"
    subjects.write_text(
        '[subject.flask-login-0-6-2]\ndistribution = "flask-login"\nversions = { "2022" = "0.6.2" }\ngroups = ["login"]\n'
        'chosen = "x"\ntests = ["tests"]\n'
        '[[verdict.flask-login-0-6-2.failure]]\ntest = "tests.test_login"\nkind = "api"\ncause = "werkzeug.urls"\nrule = "werkzeug-urls"\n'
    )  # fmt: skip
    again = rejudge(report, load_subjects("2022", "2024", path=subjects, registry=ROOT / "channels" / "canaries" / "registry.toml"))
    [brk] = again.subjects[0].breaks
    assert (brk.kind, brk.predicted_by, brk.how) == ("api", ["werkzeug-urls"], "verdict")
    assert "werkzeug-urls (verdict)" in markdown(again)


def test_a_bad_verdict_is_one_error_naming_the_file(tmp_path):
    subjects = tmp_path / "subjects.toml"
    subjects.write_text('[verdict.x]\n[[verdict.x.failure]]\ntest = "t"\nkind = "maybe"\ncause = "c"\n')
    with pytest.raises(CanaryError, match="subjects.toml"):
        load_subjects("2022", "2024", path=subjects, registry=ROOT / "channels" / "canaries" / "registry.toml")


def test_the_subjects_file_parses_for_both_moves():
    early = load_subjects("2022", "2024", path=SUBJECTS)
    late = load_subjects("2024", "2026", path=SUBJECTS)
    assert len(early) >= 10 and late
    assert all(s.version for s in early + late)


@pytest.mark.parametrize("name", ["2022-to-2024", "2024-to-2026"])
def test_the_committed_reports_carry_no_machine_paths(name):
    for suffix in (".json", ".md"):
        path = ROOT / "reports" / "scan" / f"{name}{suffix}"
        if path.exists():
            text = path.read_text()
            assert text == portable(text)
            assert str(ROOT) not in text and str(Path.home()) not in text
