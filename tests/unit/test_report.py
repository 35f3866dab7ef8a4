"""Verification reports: where they go, no machine paths in them, the JSON round trip,
clear errors for files that are not reports, and the Markdown summary users read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flask_lts_tools.report import (
    ReportError,
    load_reports,
    portable,
    report_path,
    summary_markdown,
    write_result,
    write_summary,
)
from flask_lts_tools.verify import Problem, StageResult, VerifyResult, WarningRecord


def result(python: str, *stages: StageResult, set_name: str = "flask-lts-2024", started: str = "2026-11-30T02:00:00") -> VerifyResult:
    return VerifyResult(set_name, "constraints/flask-lts-2024.txt", python, f"/usr/bin/python{python}", started, 42.4, list(stages))


def passing(python: str, started: str = "2026-11-30T02:00:00") -> VerifyResult:
    return result(
        python,
        StageResult("install", "pass", 31.2),
        StageResult("pip-check", "pass", 0.6),
        StageResult("imports", "pass", 4.5),
        StageResult("apps", "skip"),
        started=started,
    )


def test_report_path_is_one_file_per_set_and_python(tmp_path):
    assert report_path(tmp_path, "flask-lts-2024", "3.12") == tmp_path / "flask-lts-2024" / "py3.12.json"


def test_portable_removes_the_machines_absolute_paths(tmp_path, monkeypatch):
    home = tmp_path / "home" / "maintainer"
    repo = home / "flask-lts"
    repo.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(repo)
    work = repo / ".cache" / "verify" / "flask-lts-2024-py3.12-abc123"
    text = (
        f'"{work}/venv/bin/python -m pip install" '
        f"File \"{work}/venv/lib/python3.12/site-packages/flask/app.py\", line 3 "
        f"/opt/python/lib/python3.12/site-packages/werkzeug/serving.py:12: DeprecationWarning "
        f"{repo}/tests/compat/app_login.py:7 "
        f"{home}/.cache/pip"
    )
    out = portable(text)
    assert out == (
        '"<work>/venv/bin/python -m pip install" '
        'File "site-packages/flask/app.py", line 3 '
        "site-packages/werkzeug/serving.py:12: DeprecationWarning "
        "tests/compat/app_login.py:7 "
        "~/.cache/pip"
    )
    assert str(tmp_path) not in out


def test_write_result_then_load_reports_round_trips(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    failing = result(
        "3.12",
        StageResult("install", "pass", 30.0),
        StageResult(
            "imports",
            "fail",
            2.0,
            [Problem(f"ImportError: {tmp_path}/v/lib/python3.12/site-packages/x.py", package="flask-login", module="flask_login")],
            [WarningRecord("DeprecationWarning", "old api", "flask-sqlalchemy", "flask_sqlalchemy/x.py:3", 2)],
        ),
    )
    reports = tmp_path / "reports"
    paths = [write_result(failing, reports), write_result(passing("3.9"), reports)]
    assert paths == [reports / "flask-lts-2024" / "py3.12.json", reports / "flask-lts-2024" / "py3.9.json"]
    assert all(p.read_text().endswith("}\n") for p in paths)

    loaded = load_reports([reports / "flask-lts-2024"])  # a folder: every py*.json in it
    assert [r["python"] for r in loaded] == ["3.12", "3.9"]
    first = loaded[0]
    assert first["schema"] == 1 and first["status"] == "fail"
    assert first["stages"][1]["problems"][0] == {
        "message": "ImportError: site-packages/x.py",  # made portable on the way out
        "package": "flask-login",
        "module": "flask_login",
        "test": None,
    }
    assert first["stages"][1]["warnings"][0]["count"] == 2
    assert load_reports([paths[1]]) == [loaded[1]]  # a single file
    assert loaded[1]["status"] == "pass"


def test_write_result_replaces_an_older_report_and_leaves_no_temporary_file(tmp_path):
    reports = tmp_path / "reports"
    write_result(result("3.12", StageResult("install", "fail", 1.0)), reports)
    path = write_result(passing("3.12"), reports)
    assert json.loads(path.read_text())["status"] == "pass"
    assert [p.name for p in path.parent.iterdir()] == ["py3.12.json"]


def test_a_missing_report_is_named(tmp_path):
    with pytest.raises(ReportError, match=r"nope\.json: no such file or directory"):
        load_reports([tmp_path / "nope.json"])


def test_a_file_that_is_not_json_is_named(tmp_path):
    path = tmp_path / "py3.12.json"
    path.write_text("<html>502 Bad Gateway</html>\n")
    with pytest.raises(ReportError) as info:
        load_reports([tmp_path])
    assert str(info.value).startswith(f"{path}: not a readable verification report")


@pytest.mark.parametrize(
    "data",
    [
        [1, 2, 3],
        {"schema": 2, "stages": []},
        {"schema": 1, "python": "3.12"},
        {"name": "not a report"},
    ],
)
def test_json_that_is_not_a_schema_1_report_is_named(tmp_path, data):
    path = tmp_path / "py3.12.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ReportError, match="schema 1 expected") as info:
        load_reports([path])
    assert str(path) in str(info.value)


def test_an_empty_folder_says_to_run_verify(tmp_path):
    (tmp_path / "notes.json").write_text("{}")  # not py*.json: not looked at
    with pytest.raises(ReportError, match="no verification reports found; run make verify first"):
        load_reports([tmp_path])


def reports_of(*results: VerifyResult) -> list[dict]:
    return [json.loads(json.dumps(r.to_json())) for r in results]


def test_summary_table_has_a_row_per_stage_and_a_column_per_python_in_version_order():
    text = summary_markdown(reports_of(passing("3.12"), passing("3.9", "2026-11-29T23:59:00"), passing("3.10")))
    lines = text.splitlines()
    assert lines[0] == "## Verification of flask-lts-2024"
    assert "Source: `constraints/flask-lts-2024.txt`; started 2026-11-29T23:59:00." in lines
    assert "| stage | py3.9 | py3.10 | py3.12 |" in lines
    assert "| install | pass 31s | pass 31s | pass 31s |" in lines
    assert "| apps | skip | skip | skip |" in lines
    assert "| upstream | - | - | - |" in lines  # a stage that did not run at all
    assert "| **total** | **pass** 42s | **pass** 42s | **pass** 42s |" in lines
    assert "### Problems" not in text and "### Warnings" not in text


def test_summary_lists_problems_and_adds_up_warnings_by_origin():
    warning = WarningRecord("DeprecationWarning", "'app.json_encoder' | is deprecated\nsecond line", "flask-restx", "x.py:1", 3)
    broken = result(
        "3.12",
        StageResult("install", "pass", 30.0),
        StageResult("imports", "fail", 2.0, [Problem("ModuleNotFoundError: No module named 'imp'\ntraceback", "flask-mail", "flask_mail")], [warning]),
    )
    other = result("3.11", StageResult("install", "pass", 30.0), StageResult("imports", "pass", 2.0, [], [warning]))
    sets = reports_of(broken, other, result("3.12", StageResult("install", "pass", 1.0), set_name="pins"))
    text = summary_markdown(sets)
    assert text.index("## Verification of flask-lts-2024") < text.index("## Verification of pins")
    assert "| imports | pass 2s | fail 2s |" in text
    assert "| **total** | **pass** 42s | **fail** 42s |" in text
    assert "- py3.12 imports: flask-mail flask_mail: ModuleNotFoundError: No module named 'imp'" in text
    assert "traceback" not in text  # first line of each problem only
    assert "| flask-restx | DeprecationWarning | 'app.json_encoder' / is deprecated | 6 |" in text


def test_summary_shows_at_most_60_problems_and_counts_the_rest():
    problems = [Problem(f"problem {i}", package=f"p{i}") for i in range(65)]
    text = summary_markdown(reports_of(result("3.12", StageResult("imports", "fail", 1.0, problems))))
    assert "- py3.12 imports: p59: problem 59" in text
    assert "p60" not in text
    assert "- … and 5 more (see the JSON reports)" in text


def test_write_summary_writes_what_it_returns(tmp_path):
    reports = reports_of(passing("3.12"))
    path = tmp_path / "reports" / "SUMMARY.md"
    text = write_summary(reports, path)
    assert path.read_text(encoding="utf-8") == text == summary_markdown(reports)


def test_portable_names_a_pyenv_interpreter_by_role_not_by_its_prefix():
    text = "~/.pyenv/versions/3.8.18/lib/python3.8/importlib/__init__.py:127 root/.pyenv/versions/3.10.13/bin/python3.10"
    assert portable(text) == "<python>/lib/python3.8/importlib/__init__.py:127 <python>/bin/python3.10"


def test_a_report_names_its_pinned_file_without_this_machines_paths(tmp_path, monkeypatch):
    from flask_lts_tools.verify._run import report_source

    monkeypatch.chdir(tmp_path)
    (tmp_path / "constraints").mkdir()
    assert report_source(tmp_path / "constraints" / "flask-lts-2024.txt") == "constraints/flask-lts-2024.txt"
    assert report_source(Path("/elsewhere/flask-lts-refresh-2026-x/flask-lts-2026.txt")) == "flask-lts-2026.txt"
