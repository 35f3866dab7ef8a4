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


def test_a_group_no_app_covers_at_this_release_is_a_gap_not_silence():
    # The real compat apps. The set of the Flask-Session 0.5 / Flask 2.3 fix (the twin of the
    # control whose break only an app written for it caught) has its session app: the 0.4 app
    # reads cookies the way every Werkzeug allows. Flask-Marshmallow 0.11 (with the
    # Flask-SQLAlchemy 2.4 of 2020-02-10) has none: every marshmallow app needs a later release.
    from flask_lts_tools._layout import COMPAT_APPS
    from flask_lts_tools.verify.stages.apps import app_gaps

    installed = {"flask": "2.3.2", "werkzeug": "2.3.4", "flask-session": "0.5.0", "flask-login": "0.6.3", "cachelib": "0.10.2",
                 "flask-marshmallow": "0.11.0", "marshmallow-sqlalchemy": "0.22.2", "marshmallow": "3.4.0",
                 "flask-sqlalchemy": "2.4.1", "sqlalchemy": "1.3.13"}  # fmt: skip
    chosen, _ = select_apps([COMPAT_APPS], installed)
    assert sorted(p.name for p in chosen) == ["test_flask_core.py", "test_login.py", "test_session_0_4.py", "test_sqlalchemy_2.py"]
    gaps = app_gaps([COMPAT_APPS], chosen, installed)
    assert len(gaps) == 1 and gaps[0].startswith("flask-marshmallow 0.11.0: no app for this release ("), gaps
    assert "test_marshmallow_2.py needs flask-marshmallow>=0.14" in gaps[0]
    # a package no app is about (cachelib, marshmallow) is not a gap; a covered one (flask-login)
    # is not either; with Flask-Marshmallow 0.12 the 0.13 app applies and the gap closes
    newer = {**installed, "flask-marshmallow": "0.12.0"}
    chosen, _ = select_apps([COMPAT_APPS], newer)
    assert "test_marshmallow_0_13.py" in [p.name for p in chosen] and app_gaps([COMPAT_APPS], chosen, newer) == []
