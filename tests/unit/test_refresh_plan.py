"""refresh: what changed between two pinned sets, how it is shown and logged, the serial
bump, the blame when a candidate fails, yanked pins (read from a real local JSON API),
and `apply`, which writes everything or nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import http.server
import json
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT
from flask_lts_tools import index, refresh
from flask_lts_tools.api_diff import ApiDifference
from flask_lts_tools.channel import Channel, load_channel
from flask_lts_tools.constraints import Pin, Resolution, merge, parse_pins
from flask_lts_tools.pythons import Interpreter
from flask_lts_tools.refresh import (
    PinChange,
    RefreshError,
    RefreshPlan,
    apply,
    blame,
    bump_serial_text,
    changelog_entry,
    changelog_path,
    changes_table,
    diff,
    new_changelog_text,
    with_api_differences,
    yanked_pins,
)
from flask_lts_tools.resolve import ChannelResolution, PythonResult

TODAY = dt.date(2026, 11, 30)


@pytest.fixture
def channel(write_channel) -> Channel:
    return load_channel(write_channel(pythons=("3.11", "3.12", "3.13")))


def plan_of(channel: Channel, *changes: PinChange, resolution: ChannelResolution | None = None) -> RefreshPlan:
    return RefreshPlan(channel, resolution or ChannelResolution(channel, [], [], []), list(changes))


# -- diff ------------------------------------------------------------------------------------

OLD = """\
click==8.1.7
flask==3.0.3
greenlet==3.0.3 ; python_version < "3.13"
greenlet==3.1.1 ; python_version >= "3.13"
itsdangerous==2.2.0
"""


def test_identical_sets_have_no_difference(channel):
    assert diff(channel, parse_pins(OLD), parse_pins(OLD)) == []


def test_diff_groups_each_change_by_the_pythons_it_applies_on(channel):
    new = """\
blinker==1.8.2
click==8.1.8
flask==3.0.3 ; python_version < "3.13"
flask==3.0.4 ; python_version >= "3.13"
greenlet==3.0.3 ; python_version < "3.13"
greenlet==3.1.1 ; python_version >= "3.13"
"""
    assert diff(channel, parse_pins(OLD), parse_pins(new)) == [
        ("blinker", None, "1.8.2", ("3.11", "3.12", "3.13")),
        ("click", "8.1.7", "8.1.8", ("3.11", "3.12", "3.13")),
        ("flask", "3.0.3", "3.0.4", ("3.13",)),
        ("itsdangerous", "2.2.0", None, ("3.11", "3.12", "3.13")),
    ]


def test_diff_of_the_committed_2024_constraints_against_one_patch_release():
    channel = load_channel(ROOT / "channels" / "2024.toml")
    text = (ROOT / "constraints" / "flask-lts-2024.txt").read_text()
    old = parse_pins(text)
    werkzeug = next(p for p in old if p.name == "werkzeug")
    new = parse_pins(text.replace(f"werkzeug=={werkzeug.version}\n", "werkzeug==3.0.99\n"))
    assert diff(channel, old, new) == [("werkzeug", werkzeug.version, "3.0.99", channel.pythons)]


# -- the table and the changelog ------------------------------------------------------------

CHANGES = (
    PinChange("click", "8.1.7", "8.1.8", ("3.11", "3.12", "3.13"), "8.1", "2024-12-21"),
    PinChange("flask", "3.0.3", "3.0.4", ("3.13",), "3.0", None, ("GHSA-xxxx-yyyy-zzzz", "PYSEC-2026-1")),
    PinChange("blinker", None, "1.8.2", ("3.11", "3.12", "3.13"), "1.8", "2024-05-06"),
    PinChange("itsdangerous", "2.2.0", None, ("3.11", "3.12", "3.13"), "2.2", None),
)


def test_changes_table_shows_each_change_with_its_pythons_and_fixes(channel):
    table = changes_table(plan_of(channel, *CHANGES)).splitlines()
    assert [cell.strip() for cell in table[0].strip("|").split("|")] == ["package", "pin", "released", "series", "Python", "fixes", "why", "API"]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table[2:]]
    assert rows == [  # no API difference was computed for these: "not compared" where there were two releases
        ["click", "8.1.7 -> 8.1.8", "2024-12-21", "8.1", "all", "-", "-", "not compared"],
        ["flask", "3.0.3 -> 3.0.4", "-", "3.0", "3.13", "GHSA-xxxx-yyyy-zzzz, PYSEC-2026-1", "-", "not compared"],
        ["blinker", "(none) -> 1.8.2", "2024-05-06", "1.8", "all", "-", "-", "-"],
        ["itsdangerous", "2.2.0 -> (dropped)", "-", "2.2", "all", "-", "-", "-"],
    ]


def test_changes_table_without_changes_says_there_is_nothing_to_refresh(channel):
    assert changes_table(plan_of(channel)) == "channel t: no new release inside any frozen series; nothing to refresh"


def test_changelog_entry_is_headed_by_the_new_serial_and_date(channel):
    assert changelog_entry(plan_of(channel, *CHANGES), TODAY) == (
        "## t.1 (2026-11-30)\n"
        "\n"
        "- click 8.1.7 -> 8.1.8, released 2024-12-21\n"
        "- flask 3.0.3 -> 3.0.4 (Python 3.13); fixes GHSA-xxxx-yyyy-zzzz, PYSEC-2026-1\n"
        "- blinker (new) -> 1.8.2, released 2024-05-06\n"
        "- itsdangerous 2.2.0 -> (dropped)\n"
    )


# -- the public API difference of each change ----------------------------------------------

WERKZEUG_3 = ApiDifference("werkzeug", "2.3.8", "3.0.0", (
    "removed werkzeug.urls.url_quote", "removed werkzeug.urls.url_unquote",
    "changed signature of werkzeug.http.parse_cookie(...): removed charset, errors; moved cls",
))  # fmt: skip
API_CHANGES = (
    PinChange("werkzeug", "2.3.8", "3.0.0", ("3.11", "3.12", "3.13"), "3.0", None, api=WERKZEUG_3),
    PinChange("flask-httpauth", "4.8.0", "4.8.1", ("3.11", "3.12", "3.13"), "4.8", None,
              api=ApiDifference("flask-httpauth", "4.8.0", "4.8.1", ("removed flask_httpauth.MultiAuth.additional_auth",))),
    PinChange("flask-login", "0.6.2", "0.6.3", ("3.11", "3.12", "3.13"), "0.6", None, api=ApiDifference("flask-login", "0.6.2", "0.6.3")),
    PinChange("click", "8.1.7", "8.1.99", ("3.11", "3.12", "3.13"), "8.1", None,
              api=ApiDifference("click", "8.1.7", "8.1.99", error="click 8.1.99 is not on the package index")),
)  # fmt: skip


def test_the_table_shows_each_change_s_api_difference_and_flags_a_patch_release_removing_api(channel):
    lines = changes_table(plan_of(channel, *API_CHANGES)).splitlines()
    api = {row.split("|")[1].strip(): row.split("|")[8].strip() for row in lines[2:6]}
    assert api == {
        "werkzeug": "3 changes: removed werkzeug.urls.url_quote; removed werkzeug.urls.url_unquote;…",  # cut at 80
        "flask-httpauth": "FLAG: API REMOVED in a patch release (1 change): removed flask_httpauth.MultiAu…",
        "flask-login": "-",
        "click": "not compared: click 8.1.99 is not on the package index",
    }
    assert lines[6:] == ["FLAG: flask-httpauth 4.8.0 -> 4.8.1: API REMOVED in a patch release: flask_httpauth.MultiAuth.additional_auth"]


def test_the_changelog_lists_each_change_s_api_difference_under_it(channel, monkeypatch):
    monkeypatch.setattr(refresh, "CHANGELOG_API_LINES", 2)
    assert changelog_entry(plan_of(channel, *API_CHANGES), TODAY) == (
        "## t.1 (2026-11-30)\n"
        "\n"
        "- werkzeug 2.3.8 -> 3.0.0\n"
        "  - API: removed werkzeug.urls.url_quote\n"
        "  - API: removed werkzeug.urls.url_unquote\n"
        "  - API: … and 1 more (`flask-lts-tools api-diff werkzeug 2.3.8 3.0.0`)\n"
        "- flask-httpauth 4.8.0 -> 4.8.1\n"
        "  - **API REMOVED in a patch release**\n"
        "  - API: removed flask_httpauth.MultiAuth.additional_auth\n"
        "- flask-login 0.6.2 -> 0.6.3\n"
        "  - no public API difference\n"
        "- click 8.1.7 -> 8.1.99\n"
        "  - public API not compared: click 8.1.99 is not on the package index\n"
    )


def test_each_change_between_two_real_releases_gets_its_api_difference(channel, tmp_path):
    changes = [
        PinChange("flask-httpauth", "4.8.0", "4.8.1", ("3.11", "3.12", "3.13"), "4.8", "2025-06-26"),
        PinChange("blinker", None, "1.8.2", ("3.11", "3.12", "3.13"), "1.8", "2024-05-06"),
        PinChange("flask-login", "0.6.2", "0.6.3", ("3.13",), "0.6", "2023-10-30"),
    ]
    logged: list[str] = []
    compared = with_api_differences(changes, tmp_path / "api-diff", logged.append)
    assert [c.api for c in compared] == [
        ApiDifference("flask-httpauth", "4.8.0", "4.8.1", ("removed flask_httpauth.MultiAuth.additional_auth",)),
        None,  # a new package: nothing to compare with
        ApiDifference("flask-login", "0.6.2", "0.6.3", ()),
    ]
    assert [dataclasses.replace(c, api=None) for c in compared] == changes
    assert logged == [
        "public API difference of 2 changed pin(s)",
        "FLAG: flask-httpauth 4.8.0 -> 4.8.1: API REMOVED in a patch release (flask_httpauth.MultiAuth.additional_auth)",
    ]
    rows = changes_table(plan_of(channel, *compared)).splitlines()[2:5]
    assert [row.split("|")[8].strip() for row in rows] == [
        "FLAG: API REMOVED in a patch release (1 change): removed flask_httpauth.MultiAu…", "-", "-",
    ]


def test_a_new_changelog_gets_a_title_and_the_entry(channel, tmp_path):
    entry = changelog_entry(plan_of(channel, CHANGES[0]), TODAY)
    text = new_changelog_text(tmp_path / "CHANGES.md", entry, channel)
    assert text.startswith("# Changes of the Flask LTS t channel\n\nNewest first.")
    assert "`make refresh CHANNEL=t`" in text
    assert text.endswith("\n\n" + entry)


def test_the_newest_entry_goes_above_the_older_ones(channel, tmp_path):
    path = changelog_path(tmp_path, channel)
    assert path == tmp_path / "t" / "CHANGES.md"
    path.parent.mkdir()
    first = new_changelog_text(path, changelog_entry(plan_of(channel, CHANGES[0]), dt.date(2026, 1, 2)), channel)
    path.write_text(first)
    bumped = plan_of(dataclasses.replace(channel, serial=1), CHANGES[1])
    second = new_changelog_text(path, changelog_entry(bumped, TODAY), channel)
    head = first.partition("\n## ")[0].rstrip("\n")
    assert second.startswith(head + "\n\n## t.2 (2026-11-30)\n")
    assert second.index("## t.2") < second.index("## t.1 (2026-01-02)")
    assert second.endswith("- click 8.1.7 -> 8.1.8, released 2024-12-21\n")
    assert second.count("# Changes of the Flask LTS") == 1


# -- the serial ------------------------------------------------------------------------------


def test_bump_serial_changes_one_line_of_the_real_channel_file():
    text = (ROOT / "channels" / "2024.toml").read_text()
    serial = load_channel(ROOT / "channels" / "2024.toml").serial
    bumped = bump_serial_text(text, serial, serial + 1)
    changed = [(a, b) for a, b in zip(text.splitlines(), bumped.splitlines()) if a != b]
    assert changed == [(f"serial = {serial}", f"serial = {serial + 1}")]
    assert len(bumped.splitlines()) == len(text.splitlines())


def test_bump_serial_keeps_comments_and_ignores_serial_keys_of_other_tables():
    text = '[python]\nserial = 7\n\n[channel]\nname = "x"\nserial = 7  # bumped by make refresh\n\n[core]\nserial = 7\n'
    assert bump_serial_text(text, 7, 8) == (
        '[python]\nserial = 7\n\n[channel]\nname = "x"\nserial = 8  # bumped by make refresh\n\n[core]\nserial = 7\n'
    )


def test_bump_serial_refuses_a_file_changed_meanwhile():
    with pytest.raises(RefreshError, match=r"serial = 3 not found in \[channel\]; was the file changed meanwhile"):
        bump_serial_text('[channel]\nname = "x"\nserial = 4\n', 3, 4)
    with pytest.raises(RefreshError, match=r"serial = 0 not found"):
        bump_serial_text('[channel]\nname = "x"\n\n[core]\nserial = 0\n', 0, 1)
    with pytest.raises(RefreshError, match=r"no \[channel\] table"):
        bump_serial_text('[python]\nserial = 0\n', 0, 1)


# -- blame -----------------------------------------------------------------------------------


def test_blame_names_the_changed_pin_behind_each_problem():
    problems = [
        {"message": "ImportError: cannot import name 'x'\n  File ...", "package": "flask", "module": None},
        {"message": "AttributeError: no attribute 'escape'", "package": None, "module": "itsdangerous.url_safe"},
        {"message": "test_login failed", "package": "flask-login", "module": "flask_login"},
        {"message": "  ", "package": None, "module": None},
    ]
    assert blame(problems, CHANGES) == [
        "flask 3.0.3 -> 3.0.4 broke: ImportError: cannot import name 'x'",
        "itsdangerous 2.2.0 -> (dropped) broke: AttributeError: no attribute 'escape'",
        "test_login failed (not attributed to a single changed pin)",
        " (not attributed to a single changed pin)",
    ]


def test_blame_matches_a_module_name_written_with_underscores():
    change = PinChange("flask-sqlalchemy", "3.1.1", "3.1.2", ("3.12",), "3.1", None)
    lines = blame([{"message": "OperationalError", "module": "flask_sqlalchemy.session"}], [change])
    assert lines == ["flask-sqlalchemy 3.1.1 -> 3.1.2 broke: OperationalError"]


# -- yanked pins, from a real local JSON API -------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def json_api(tmp_path, monkeypatch):
    """A real HTTP server on 127.0.0.1 serving `<name>/json` files; the toolkit is pointed at it."""
    root = tmp_path / "api"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setenv("FLASK_LTS_JSON_API", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setattr(index, "_cache", {})  # answers of other tests' indexes must not leak in

    def publish(name: str, releases: dict[str, dict]) -> None:
        files = {
            version: [{"filename": f"{name}-{version}.tar.gz", "url": f"{name}-{version}.tar.gz", "packagetype": "sdist",
                       "digests": {"sha256": "0" * 64}, "upload_time_iso_8601": "2024-01-01T00:00:00Z", **facts}]
            for version, facts in releases.items()
        }  # fmt: skip
        (root / name).mkdir()
        (root / name / "json").write_text(json.dumps({"info": {"name": name}, "releases": files}))

    yield publish
    server.shutdown()
    server.server_close()


def test_yanked_pins_names_each_yanked_release_and_its_reason(json_api):
    json_api("flask-cors", {"4.0.0": {"yanked": True, "yanked_reason": "CVE-2024-1681"}, "4.0.1": {}})
    json_api("blinker", {"1.8.1": {"yanked": True}, "1.8.2": {}})
    json_api("click", {"8.1.7": {}})
    pins = parse_pins("blinker==1.8.1\nclick==8.1.7\nflask-cors==4.0.0\nflask-cors==4.0.0 ; sys_platform == 'win32'\n")
    assert yanked_pins(pins) == [
        "blinker==1.8.1 was yanked",
        "flask-cors==4.0.0 was yanked (CVE-2024-1681)",
    ]
    assert yanked_pins(parse_pins("blinker==1.8.2\nclick==8.1.7\n")) == []


# -- apply: everything or nothing ------------------------------------------------------------


def one_python_resolution(channel: Channel, **versions: str) -> ChannelResolution:
    pins = {n: Pin(n, v, hashes=(f"sha256:{n}",)) for n, v in versions.items()}
    interpreter = Interpreter("3.11", "3.11.0", Path(sys.executable), "PATH")
    resolution = Resolution("3.11", pins)
    merged = merge([resolution])
    return ChannelResolution(channel, [PythonResult("3.11", interpreter, resolution, 0.0)], merged, merged)


def report(python: str, status: str, *problems: dict) -> dict:
    stage = {"name": "imports", "status": status, "problems": list(problems), "warnings": []}
    return {"schema": 1, "python": python, "status": status, "stages": [stage]}


@pytest.fixture
def refresh_case(write_channel, tmp_path):
    channel = load_channel(write_channel())
    constraints = tmp_path / "constraints"
    constraints.mkdir()
    (constraints / "flask-lts-t.txt").write_text("flask==3.0.2\n")
    change = PinChange("flask", "3.0.2", "3.0.3", ("3.11",), "3.0", "2024-04-07")
    plan = RefreshPlan(channel, one_python_resolution(channel, flask="3.0.3", click="8.1.7"), [change])
    return plan, constraints


def files_under(*directories: Path) -> dict[str, str]:
    return {str(p): p.read_text() for d in directories for p in sorted(d.rglob("*")) if p.is_file()}


def test_apply_writes_nothing_when_the_candidate_fails_and_names_the_culprit(refresh_case):
    plan, constraints = refresh_case
    before = files_under(constraints, plan.channel.path.parent)
    seen = []

    def verify_candidate(path: Path) -> list[dict]:
        seen.append(path.read_text())
        problem = {"message": "ImportError: cannot import name 'escape' from 'flask'", "package": "flask", "module": "flask"}
        return [report("3.11", "fail", problem)]

    with pytest.raises(RefreshError) as info:
        apply(plan, constraints, verify_candidate, TODAY)
    message = str(info.value)
    assert message.startswith("channel t: the refreshed set failed verification on Python 3.11:")
    assert "flask 3.0.2 -> 3.0.3 broke: ImportError: cannot import name 'escape'" in message
    assert message.endswith("nothing was written")
    assert "flask==3.0.3" in seen[0] and "serial t.1" in seen[0]  # the candidate, as the new serial
    assert files_under(constraints, plan.channel.path.parent) == before


def test_apply_without_any_report_is_a_failure_too(refresh_case):
    plan, constraints = refresh_case
    with pytest.raises(RefreshError, match="no verification report; nothing was written"):
        apply(plan, constraints, lambda path: [], TODAY)
    assert sorted(p.name for p in constraints.rglob("*")) == ["flask-lts-t.txt"]


def test_apply_after_a_pass_writes_constraints_serial_and_changelog(refresh_case):
    plan, constraints = refresh_case
    written = apply(plan, constraints, lambda path: [report("3.11", "pass")], TODAY)
    assert plan.channel.path in written
    assert load_channel(plan.channel.path).serial == 1
    merged = (constraints / "flask-lts-t.txt").read_text()
    assert "flask==3.0.3\n" in merged and "(serial t.1)" in merged and "# Made on 2026-11-30." in merged
    changes = (constraints / "t" / "CHANGES.md").read_text()
    assert "## t.1 (2026-11-30)\n\n- flask 3.0.2 -> 3.0.3, released 2024-04-07\n" in changes
    assert (constraints / "t" / "py3.11-hashes.txt").read_text().count("--hash=sha256:") == 2


# -- the quick check: index queries only -------------------------------------------------


def test_newer_releases_respects_holds_and_the_security_cap_and_sees_an_older_pin():
    """On channel 2024 (security-only, Flask-HTTPAuth held, SQLAlchemy capped), the index
    query offers neither the held release nor anything past the cap; an older pin put into
    the file is seen as such, on every Python."""
    from flask_lts_tools.audit import default_advisory_dirs, load_advisories
    from flask_lts_tools.constraints import read_pins
    from flask_lts_tools.refresh import newer_releases

    channel = load_channel(ROOT / "channels" / "2024.toml")
    advisories = load_advisories(*default_advisory_dirs())
    pins = read_pins(ROOT / "constraints" / "flask-lts-2024.txt")
    offered = newer_releases(channel, pins, {}, advisories)
    assert not [line for line in offered if line.startswith("sqlalchemy ")], offered
    # not the held 4.8.1: only the channel's own build of the held-at 4.8.0, when one is published
    assert all(" 4.8.0 -> 4.8.0+lts2024." in line for line in offered if line.startswith("flask-httpauth ")), offered
    lowered = [dataclasses.replace(p, version="3.0.0") if p.name == "werkzeug" else p for p in pins]
    offered = newer_releases(channel, lowered, {}, advisories)
    werkzeug = [line for line in offered if line.startswith("werkzeug 3.0.0 -> ")]
    assert len(werkzeug) == len(channel.pythons), offered
    missing = [p for p in pins if p.name != "flask-login"]
    assert "flask-login: named by the channel but not pinned" in newer_releases(channel, missing, {}, advisories)


def test_a_comment_only_change_keeps_a_published_file(tmp_path):
    """A newer header wording never rewrites the file of a serial already made (published
    serials never change); a changed pin does."""
    from flask_lts_tools.constraints_writer import _keep_date

    path = tmp_path / "flask-lts-t.txt"
    path.write_text("# from channels/t.toml (serial 2024.1), resolved with pip-tools\n# Made on 2026-01-01.\nflask==3.0.3\n")
    same = _keep_date(path, lambda d: f"# from channels/t.toml (serial 2024.1), resolved with uv\n# Made on {d}.\nflask==3.0.3\n", "2026-11-30", "2024.1")
    assert same == path.read_text()
    moved = _keep_date(path, lambda d: f"# (serial 2024.1) uv\n# Made on {d}.\nflask==3.0.4\n", "2026-11-30", "2024.1")
    assert "flask==3.0.4" in moved and "2026-11-30" in moved
    bumped = _keep_date(path, lambda d: f"# (serial 2024.2) uv\n# Made on {d}.\nflask==3.0.3\n", "2026-11-30", "2024.2")
    assert "serial 2024.2" in bumped


def test_the_security_cap_rises_to_a_fix_even_when_a_later_series_fixes_more():
    """python-socketio 5.16.3 (channel 2024's bug-fix cap) is affected by FLTS-2026-0009,
    fixed in 5.16.4, and by FLTS-2026-0010/0011, fixed only in 5.17/5.18: the cap rises to
    5.16.4, the oldest release fixing what the 5.16 series fixes, and names what it fixes."""
    from flask_lts_tools.admission import security_cap
    from flask_lts_tools.audit import default_advisory_dirs, load_advisories

    channel = load_channel(ROOT / "channels" / "2024.toml")
    advisories = load_advisories(*default_advisory_dirs())
    cap = security_cap(channel, "python-socketio", "3.12", advisories)
    assert cap is not None and cap.line == "python-socketio<=5.16.4", cap
    assert "fixes FLTS-2026-0009 (affecting 5.16.3)" in cap.reason, cap.reason
    engineio = security_cap(channel, "python-engineio", "3.12", advisories)
    assert engineio is not None and engineio.line == "python-engineio<=4.13.5", engineio
