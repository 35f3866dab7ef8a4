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
