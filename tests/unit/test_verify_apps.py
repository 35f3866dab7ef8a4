"""Which compat apps apply to a set: REQUIRES names the packages and the versions the app
is written for (verify.select_apps)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flask_lts_tools._exceptions import FlaskLTSError
from flask_lts_tools.verify.stages.apps import select_apps


def app(folder: Path, name: str, requires: str) -> None:
    (folder / name).write_text(f'"""An app."""\n\nREQUIRES = {requires}\n\nimport flask_whatever\n')


def test_apps_are_chosen_by_package_and_version(tmp_path: Path):
    app(tmp_path, "test_sqla.py", '["flask-sqlalchemy>=3.0", "SQLAlchemy"]')
    app(tmp_path, "test_login.py", '["flask-login"]')
    app(tmp_path, "test_mail.py", '["flask-mail"]')
    app(tmp_path, "control_app.py", '["flask<2.3"]')
    (tmp_path / "test_none.py").write_text("x = 1\n")

    chosen, skipped = select_apps([tmp_path], {"flask": "2.2.5", "flask-login": "0.6.3", "flask-sqlalchemy": "2.5.1", "sqlalchemy": "1.4.54"})
    assert [p.name for p in chosen] == ["control_app.py", "test_login.py"]
    assert skipped == [
        "test_mail.py: needs flask-mail (not in the set)",
        "test_none.py: no REQUIRES list",
        "test_sqla.py: needs flask-sqlalchemy>=3.0 (the set has 2.5.1)",
    ]

    chosen, _ = select_apps([tmp_path], {"flask": "3.0.3", "flask-sqlalchemy": "3.1.1", "sqlalchemy": "2.0.30"})
    assert [p.name for p in chosen] == ["test_sqla.py"]


def test_a_requires_list_that_does_not_parse_names_the_file_and_line(tmp_path: Path):
    app(tmp_path, "test_bad.py", '["flask-login >= = 1"]')
    with pytest.raises(FlaskLTSError, match=r"test_bad.py:3: REQUIRES must be a literal list of requirement strings"):
        select_apps([tmp_path], {"flask": "3.0.3"})


def test_a_group_no_app_covers_at_this_release_is_a_gap_not_silence(tmp_path):
    # The real compat apps. The set of the Flask-Session 0.5 / Flask 2.3 fix (the twin of the
    # control whose break only an app written for it caught) has its session app: the 0.4 app
    # reads cookies the way every Werkzeug allows. Flask-Marshmallow 0.10.1 with marshmallow 2
    # (the releases of 2019-07-31) was a gap, every ORM app being written to marshmallow 3; the
    # marshmallow 2 app without an ORM closes it.
    import shutil

    from flask_lts_tools._layout import COMPAT_APPS
    from flask_lts_tools.verify.stages.apps import app_gaps

    installed = {"flask": "2.3.2", "werkzeug": "2.3.4", "flask-session": "0.5.0", "flask-login": "0.6.3", "cachelib": "0.10.2",
                 "flask-marshmallow": "0.10.1", "marshmallow-sqlalchemy": "0.17.0", "marshmallow": "2.19.5",
                 "flask-sqlalchemy": "2.4.0", "sqlalchemy": "1.3.6"}  # fmt: skip
    chosen, _ = select_apps([COMPAT_APPS], installed)
    assert sorted(p.name for p in chosen) == [
        "test_flask_core.py", "test_login.py", "test_marshmallow_core_mm2.py", "test_session_0_4.py", "test_sqlalchemy_2.py",
    ]  # fmt: skip
    assert app_gaps([COMPAT_APPS], chosen, installed) == []
    # the same apps without the marshmallow 2 one: the gap the report showed before it
    older = tmp_path / "apps"
    shutil.copytree(COMPAT_APPS, older, ignore=shutil.ignore_patterns("test_marshmallow_core_mm2.py", "__pycache__"))
    chosen, _ = select_apps([older], installed)
    gaps = app_gaps([older], chosen, installed)
    assert len(gaps) == 1 and gaps[0].startswith("flask-marshmallow 0.10.1: no app for this release ("), gaps
    assert "test_marshmallow_0_11.py needs flask-marshmallow<0.12" in gaps[0]
    # a package no app is about (cachelib, marshmallow) is not a gap; a covered one (flask-login)
    # is not either; with marshmallow 3 (Flask-Marshmallow 0.11.0, marshmallow 3.4.0) the 0.11
    # app applies and the gap closes, and with Flask-Marshmallow 0.12 the 0.13 app takes over
    newer = {**installed, "flask-marshmallow": "0.11.0", "marshmallow-sqlalchemy": "0.22.2", "marshmallow": "3.4.0",
             "flask-sqlalchemy": "2.4.1", "sqlalchemy": "1.3.13"}  # fmt: skip
    chosen, _ = select_apps([COMPAT_APPS], newer)
    assert "test_marshmallow_0_11.py" in [p.name for p in chosen] and app_gaps([COMPAT_APPS], chosen, newer) == []
    newer = {**newer, "flask-marshmallow": "0.12.0"}
    chosen, _ = select_apps([COMPAT_APPS], newer)
    names = [p.name for p in chosen]
    assert "test_marshmallow_0_13.py" in names and "test_marshmallow_0_11.py" not in names
    assert app_gaps([COMPAT_APPS], chosen, newer) == []


# -- resources/harness.toml: how the apps run for sets that need it -----------------------------


def test_the_shipped_harness_rules_load_and_each_applies_only_at_its_versions():
    from flask_lts_tools.verify._harness import harness_args, load_harness_rules

    rules = load_harness_rules()
    assert rules and all(r.why and r.sources and r.args and r.stages for r in rules)
    for stage in ("apps", "upstream"):
        args, applied = harness_args(rules, {"flask": "1.0.2", "flask-login": "0.4.1"}, stage)
        assert args == ["--assert=plain"] and len(applied) == 1 and "flask 1.0.2 <1.0.4" in applied[0]
    assert harness_args(rules, {"flask": "1.0.4"}, "apps") == ([], [])
    assert harness_args(rules, {"werkzeug": "0.15.4"}, "upstream") == ([], [])


@pytest.mark.parametrize(
    "table, message",
    [
        ('when = "flask<1.0.4"\nstages = ["apps"]\nargs = ["--assert=plain"]\nwhy = "w"', "missing sources"),
        ('when = "flask <"\nstages = ["apps"]\nargs = ["x"]\nwhy = "w"\nsources = ["s"]', "is not a requirement"),
        ('when = "flask"\nstages = ["apps"]\nargs = ["x"]\nwhy = "w"\nsources = ["s"]', "names no versions"),
        ('when = "flask<2"\nstages = ["apps"]\nargs = "x"\nwhy = "w"\nsources = ["s"]', "lists of strings"),
        ('when = "flask<2"\nstages = ["imports"]\nargs = ["x"]\nwhy = "w"\nsources = ["s"]', "imports runs no pytest"),
        ('when = "flask<2"\nstages = ["apps"]\nargs = ["x"]\nwhy = "w"\nsources = ["s"]\nwhen_python = "3.8"', "unknown key"),
    ],
)
def test_a_harness_rule_mistake_is_named(tmp_path: Path, table: str, message: str):
    from flask_lts_tools.verify._harness import load_harness_rules

    path = tmp_path / "harness.toml"
    path.write_text(f"[[pytest-args]]\n{table}\n")
    with pytest.raises(FlaskLTSError, match=message) as info:
        load_harness_rules(path)
    assert "harness.toml [[pytest-args]] #1" in str(info.value) and "\n" not in str(info.value)
