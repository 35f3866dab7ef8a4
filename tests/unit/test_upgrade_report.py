"""upgrade_report: what a move between channels asks of a user, on the real channels, their
constraints, the real compat apps and real releases from the package index."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, assert_one_line_error, run_tools
from flask_lts_tools._exceptions import UpgradeReportError
from flask_lts_tools.api_diff import api_difference
from flask_lts_tools.channel import load_channel
from flask_lts_tools.upgrade_report import (
    Deprecation, app_changes, channel_pins, common_python, extras_of, load_report, removal_evidence, render_markdown,
    report_from_json, scan_rules,
)  # fmt: skip

CHANNELS = {name: load_channel(ROOT / "channels" / f"{name}.toml") for name in ("2022", "2024", "2026")}


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("api-diff")


def pins(name: str, python: str = "3.11"):
    return channel_pins(CHANNELS[name], python, ROOT / "constraints")


def test_the_move_is_compared_on_the_newest_python_both_channels_claim():
    assert common_python(CHANNELS["2022"], CHANNELS["2024"]) == "3.11"
    assert common_python(CHANNELS["2024"], CHANNELS["2026"]) == "3.13"


def test_extras_are_found_through_the_dependency_tree():
    both = [(CHANNELS["2022"], pins("2022")), (CHANNELS["2024"], pins("2024"))]
    assert extras_of("flask-sqlalchemy", both) == ["migrate", "sqlalchemy"]  # Flask-Migrate requires it
    assert extras_of("werkzeug", both) == ["core"]  # every install
    assert extras_of("greenlet", both) == ["marshmallow", "migrate", "sqlalchemy"]  # through SQLAlchemy
    assert extras_of("msgspec", both) == ["session"]  # new in 2024, through Flask-Session 0.8


def test_deprecations_become_removals_by_the_names_they_quote_or_the_release_they_name(cache):
    new = pins("2024")
    diffs = {"werkzeug": api_difference("werkzeug", "2.1.2", "3.0.6", cache)}
    url_quote = Deprecation("DeprecationWarning", "'werkzeug.urls.url_quote' is deprecated and will be removed in "
                            "Werkzeug 2.4. Use 'urllib.parse.quote' instead.", "flask_login", ["imports"], ["3.11"], 1)  # fmt: skip
    assert removal_evidence(url_quote, diffs, new) == ("werkzeug", ["removed werkzeug.urls.url_quote (werkzeug 3.0.6)"])
    # flask.Markup is markupsafe's name re-exported: the API difference does not follow names into other
    # packages, so the release the warning names decides (Flask's "2.4" became 3.0).
    markup = Deprecation("DeprecationWarning", "'flask.Markup' is deprecated and will be removed in Flask 2.4. "
                         "Import 'markupsafe.Markup' instead.", "test_wtf.py", ["apps"], ["3.11"], 1)  # fmt: skip
    assert removal_evidence(markup, {}, new) == ("flask", ["removed in flask 2.4; the new channel pins 3.0.3+lts2024.1"])
    teardown = Deprecation("DeprecationWarning", "'COMMIT_ON_TEARDOWN' is deprecated and will be removed in version 3.1. "
                           "Call 'db.session.commit()'` directly instead.", "flask_sqlalchemy", ["apps"], ["3.10"], 2)  # fmt: skip
    assert removal_evidence(teardown, {}, new) == ("flask-sqlalchemy", ["removed in flask-sqlalchemy 3.1; the new channel pins 3.1.1"])
    uber = Deprecation("RemovedIn20Warning", "Deprecated API features detected!", "test_sqlalchemy_2.py", ["apps"], ["3.11"], 1)
    assert removal_evidence(uber, {}, new) == ("sqlalchemy", ["removed in sqlalchemy 2.0; the new channel pins 2.0.51"])
    legacy = Deprecation("LegacyAPIWarning", "Deprecated API features detected! These feature(s) are not compatible with "
                         "SQLAlchemy 2.0.", "flask_admin", ["apps"], ["3.8"], 1)  # fmt: skip
    assert removal_evidence(legacy, {}, new) == ("sqlalchemy", ["removed in sqlalchemy 2.0; the new channel pins 2.0.51"])
    still = Deprecation("DeprecationWarning", "datetime.datetime.utcnow() is deprecated", "flask_login", ["apps"], ["3.12"], 1)
    assert removal_evidence(still, diffs, new) == ("", [])


def test_the_compat_apps_variants_are_the_worked_example():
    changes = {c.group: c for c in app_changes([ROOT / "compat-apps"], pins("2022"), pins("2024"), "2022", "2024")}
    babel = changes["babel"]
    assert (babel.old, babel.new) == ("test_babel_2.py", "test_babel.py")
    assert "-    @babel.localeselector\n" in babel.diff and "+    Babel(app, locale_selector=" in babel.diff
    assert (changes["sqlalchemy"].old, changes["limiter"].old, changes["session"].old) == (
        "test_sqlalchemy_2.py", "test_limiter_2.py", "test_session_0_4.py")
    assert changes["login"].old == changes["login"].new == "test_login.py" and changes["login"].diff == ""
    later = {c.group: c for c in app_changes([ROOT / "compat-apps"], pins("2024", "3.13"), pins("2026", "3.13"), "2024", "2026")}
    # the 2024 apps run unchanged on 2026 but one: Flask-JWT-Extended 4.7 wants a string identity
    assert [g for g, c in later.items() if c.old != c.new] == ["jwt"]
    assert (later["jwt"].old, later["jwt"].new) == ("test_jwt_4_6.py", "test_jwt.py")
    assert "+            \"access_token\": create_access_token(identity=str(user.id)" in later["jwt"].diff


def test_scan_rules_are_selected_by_the_real_pins():
    old = {n: p.version for n, p in pins("2022").items()}
    new = {n: p.version for n, p in pins("2024").items()}
    ids = {s.rule.id for s in scan_rules(old, new)}
    assert {"flask-env", "flask-markup-escape", "werkzeug-urls", "flask-sqlalchemy-app-argument", "flask-babel-selectors"} <= ids
    assert "flask-server-name" not in ids  # a 3.1 change: 2024 pins Flask 3.0


@pytest.mark.parametrize("old,new", [("2022", "2024"), ("2024", "2026")])
def test_the_committed_reports_are_the_rendering_of_their_data(old, new):
    data = report_from_json((ROOT / "reports" / "upgrade" / f"{old}-to-{new}.json").read_text())
    markdown = (ROOT / "reports" / "upgrade" / f"{old}-to-{new}.md").read_text()
    assert render_markdown(load_report(data)) == markdown
    packages = {p["package"]: p for p in data["packages"]}
    assert data["counts"]["packages"] == len(packages)
    if old == "2022":
        assert "removed werkzeug.urls.url_quote" in packages["werkzeug"]["api"]
        assert any("FLASK_ENV" in e["text"] for e in packages["flask"]["changelog"])
        assert {r["id"] for r in packages["flask-sqlalchemy"]["scan_rules"]} >= {"flask-sqlalchemy-app-argument"}
        assert packages["sqlalchemy"]["deprecations"], "the 2022 apps' RemovedIn20Warning is a removal in 2024"
    else:
        assert packages["click"]["old"] == "8.1.8+lts2024.1" and any("mix_stderr" in e["text"] for e in packages["click"]["changelog"])


def test_unknown_channel_and_missing_reports_are_one_line_errors(tmp_path):
    proc = run_tools("upgrade-report", "--from", "2019", "--to", "2024", timeout=120)
    assert proc.returncode == 2  # a ChannelError: no such channel
    assert_one_line_error(proc, "no channel named '2019'")
    proc = run_tools("upgrade-report", "--from", "2024", "--to", "2026", "--reports-dir", str(tmp_path), timeout=300)
    assert proc.returncode == UpgradeReportError.exit_code
    assert_one_line_error(proc, "no verification reports; run make verify CHANNEL=2024")
