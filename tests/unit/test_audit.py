"""Audit: real advisories (tests/data/osv) against channel pins, the channel's decisions and their expiry."""

from __future__ import annotations

import datetime as _dt
import json
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import ROOT, assert_one_line_error, run_tools
from flask_lts_tools.audit import (
    AdvisoryDatabaseError,
    audit,
    changes_fix,
    format_table,
    load_advisories,
    query_osv_online,
)
from flask_lts_tools._exceptions import AuditGateError, ChannelError
from flask_lts_tools.channel import load_channel
from flask_lts_tools.constraints import parse_pins, read_pins

DATA = ROOT / "tests" / "data" / "osv"
VULNS = DATA / "vulns"
CHANNEL = DATA / "channels" / "2024.toml"
PINS = DATA / "constraints" / "flask-lts-2024.txt"
BEFORE_EXPIRY = _dt.date(2025, 1, 15)
AFTER_EXPIRY = _dt.date(2025, 4, 1)


@pytest.fixture(scope="module")
def db():
    return load_advisories(VULNS)


def findings_by_id(report):
    return {(f.package, f.advisory.id): f for f in report.findings}


def channel_variant(tmp_path: Path, extra: str, decisions: bool = True) -> Path:
    """The fixture channel with more TOML appended (name stays 2024: file stem); without
    `decisions`, less its accepted risk."""
    path = tmp_path / "2024.toml"
    text = CHANNEL.read_text()
    if not decisions:
        text = text[: text.index("[[accepted-risks]]")]
    path.write_text(text + extra)
    return path


# -- the database ------------------------------------------------------------------


def test_loads_yaml_and_json_records_and_skips_withdrawn(db):
    ids = {a.id for name in ("werkzeug", "flask", "flask-cors", "jinja2", "quart") for a in db.for_package(name)}
    assert ids == {
        "PYSEC-2023-221", "GHSA-2g68-c3qc-8985", "GHSA-q34m-jh98-gwm2",  # werkzeug (yaml + json); quart shares one
        "PYSEC-2023-62", "PYSEC-2024-71", "GHSA-7rxf-gvfg-47g4", "GHSA-cpwx-vrp4-4pq7",
    }
    assert db.for_package("flask-caching") == []  # PYSEC-2021-13 was withdrawn in 2023
    assert db.for_package("Flask_Cors") == db.for_package("flask-cors")  # names are canonicalized


def test_ranges_follow_osv_events(db):
    (rec,) = [a for a in db.for_package("werkzeug") if a.id == "PYSEC-2023-221"]
    # introduced 0, fixed 2.3.8, introduced 3.0.0, fixed 3.0.1
    assert [v for v in ("2.3.7", "2.3.8", "2.3.9", "3.0.0", "3.0.1") if rec.affects("werkzeug", v)] == ["2.3.7", "3.0.0"]
    assert rec.ranges_text("werkzeug") == ["<2.3.8", ">=3.0.0, <3.0.1"]
    (multipart,) = [a for a in db.for_package("werkzeug") if a.id == "GHSA-q34m-jh98-gwm2"]
    assert not multipart.affects("werkzeug", "1.0.1") and multipart.affects("werkzeug", "2.0.0rc1")
    assert multipart.affects("quart", "0.19.9") and not multipart.affects("werkzeug", "3.0.6")


def test_explicit_versions_list_and_last_affected(tmp_path: Path):
    # Record shapes the fixture's real advisories do not use: a bare versions list, last_affected.
    (tmp_path / "a.json").write_text(json.dumps({
        "id": "TEST-1", "modified": "2025-01-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "PyPI", "name": "Flask-Login"}, "versions": ["0.6.2", "0.6.3"]}],
    }))
    (tmp_path / "b.yaml").write_text(
        "id: TEST-2\nmodified: '2025-01-01T00:00:00Z'\naffected:\n- package: {ecosystem: PyPI, name: flask-login}\n"
        "  ranges:\n  - type: ECOSYSTEM\n    events: [{introduced: '0.6.0'}, {last_affected: '0.6.2'}]\n"
        "- package: {ecosystem: npm, name: flask-login}\n  ranges: [{type: SEMVER, events: [{introduced: '0'}]}]\n"
    )
    db = load_advisories(tmp_path)
    by_id = {a.id: a for a in db.for_package("flask-login")}
    assert by_id["TEST-1"].affects("flask-login", "0.6.3") and not by_id["TEST-1"].affects("flask-login", "0.6.1")
    assert by_id["TEST-2"].affects("flask-login", "0.6.2") and not by_id["TEST-2"].affects("flask-login", "0.6.3")
    assert by_id["TEST-2"].ranges_text("flask-login") == [">=0.6.0, <=0.6.2"]
    assert by_id["TEST-1"].fixed("flask-login") == []


@pytest.mark.parametrize(
    "name, text, needle",
    [
        ("broken.yaml", "id: X\naffected: [", "not valid YAML"),
        ("broken.json", "{\"id\": ", "not valid JSON"),
        ("list.json", "[]", "not a mapping"),
        ("noid.json", json.dumps({"affected": []}), "no 'id'"),
        ("badver.json", json.dumps({"id": "X-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "flask"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "not a version"}]}]}]}),
         "not a PEP 440 version"),
    ],
)
def test_malformed_record_is_one_line_error_naming_the_file(tmp_path: Path, name: str, text: str, needle: str):
    shutil.copytree(VULNS, tmp_path / "vulns")
    bad = tmp_path / "vulns" / "flask" / name
    bad.write_text(text)
    with pytest.raises(AdvisoryDatabaseError) as info:
        load_advisories(tmp_path / "vulns")
    message = str(info.value)
    assert str(bad) in message and needle in message and "\n" not in message


def test_missing_or_empty_database_is_an_error(tmp_path: Path):
    with pytest.raises(AdvisoryDatabaseError, match="no such advisory directory"):
        load_advisories(tmp_path / "nowhere")
    with pytest.raises(AdvisoryDatabaseError, match="no OSV records"):
        load_advisories(tmp_path)  # an empty directory must not pass every audit


def test_same_vulnerability_under_two_ids_is_kept_once(tmp_path: Path, db):
    # The OSV API knows CVE-2023-46136 both as PYSEC-2023-221 and as its GHSA; the newer record wins.
    twin = tmp_path / "GHSA-hrfv-mqp8-q5rw.json"
    twin.write_text(json.dumps({
        "id": "GHSA-hrfv-mqp8-q5rw", "aliases": ["CVE-2023-46136"], "modified": "2024-01-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "PyPI", "name": "werkzeug"},
                      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "3.0.0"}, {"fixed": "3.0.1"}]}]}],
    }))
    merged = load_advisories(VULNS, tmp_path)
    ids = [a.id for a in merged.for_package("werkzeug")]
    assert "GHSA-hrfv-mqp8-q5rw" in ids and "PYSEC-2023-221" not in ids


# -- the audit ------------------------------------------------------------------------


def test_vulnerable_pin_found_with_every_advisory_and_its_fix(db):
    channel = load_channel(CHANNEL)
    report = audit(channel, parse_pins("werkzeug==3.0.0\n"), db, BEFORE_EXPIRY)
    found = findings_by_id(report)
    assert set(found) == {("werkzeug", "PYSEC-2023-221"), ("werkzeug", "GHSA-2g68-c3qc-8985"), ("werkzeug", "GHSA-q34m-jh98-gwm2")}
    cve = found["werkzeug", "PYSEC-2023-221"]
    assert "CVE-2023-46136" in cve.advisory.aliases
    assert cve.fixed == ("2.3.8", "3.0.1") and cve.fixed_in_series == "3.0.1"
    assert found["werkzeug", "GHSA-2g68-c3qc-8985"].fixed_in_series == "3.0.3"
    assert "debugger" in found["werkzeug", "GHSA-2g68-c3qc-8985"].advisory.summary
    # PYSEC records have no summary: the first telling sentence of the details stands in
    assert cve.advisory.summary.startswith("If an upload of a file that starts with CR or LF")
    assert report.exit_code == 1


def test_fixed_pin_is_clean(db):
    channel = load_channel(CHANNEL)
    report = audit(channel, parse_pins("werkzeug==3.0.6\nflask==3.0.3\njinja2==3.1.6\n"), db, BEFORE_EXPIRY)
    assert report.findings == () and report.exit_code == 0
    assert "OK: no known advisory affects a pin" in format_table(report)


def test_released_set_fix_in_series_outside_series_and_accepted(db):
    report = audit(load_channel(CHANNEL), read_pins(PINS), db, BEFORE_EXPIRY)
    found = findings_by_id(report)
    assert set(found) == {
        ("werkzeug", "GHSA-q34m-jh98-gwm2"), ("jinja2", "GHSA-cpwx-vrp4-4pq7"),
        ("flask-cors", "PYSEC-2024-71"), ("flask-cors", "GHSA-7rxf-gvfg-47g4"),
    }
    # refresh fixes these: a fixed version exists in the frozen series (but nobody decided yet)
    assert found["werkzeug", "GHSA-q34m-jh98-gwm2"].status == "undecided"
    assert found["werkzeug", "GHSA-q34m-jh98-gwm2"].fix == "in-series"
    assert found["werkzeug", "GHSA-q34m-jh98-gwm2"].fixed_in_series == "3.0.6"
    assert found["jinja2", "GHSA-cpwx-vrp4-4pq7"].fixed_in_series == "3.1.6"
    # only Flask-Cors 6.0 fixes this: the channel needs an exception or an accepted risk
    outside = found["flask-cors", "GHSA-7rxf-gvfg-47g4"]
    assert outside.status == "undecided" and outside.fix == "outside-series" and outside.fixed_in_series is None
    assert outside.fixed_outside_series == ("6.0.0",) and outside.series == ("4.0",)
    # accepted in the channel file under its CVE alias
    accepted = found["flask-cors", "PYSEC-2024-71"]
    assert accepted.status == "accepted" and accepted.decision.id == "CVE-2024-6221"
    assert accepted.fix == "outside-series" and not accepted.blocking
    assert report.exit_code == 1  # three undecided findings remain


def test_accepted_risk_honoured_then_expired(db):
    channel = load_channel(CHANNEL)
    pins = parse_pins("flask-cors==4.0.1\n")
    only_accepted = [a for a in db.for_package("flask-cors") if a.id == "PYSEC-2024-71"]
    from flask_lts_tools._osv import AdvisoryDatabase

    small = AdvisoryDatabase()
    small.extend(only_accepted, "PYSEC-2024-71 only")
    honoured = audit(channel, pins, small, BEFORE_EXPIRY)
    assert [f.status for f in honoured.findings] == ["accepted"]
    assert honoured.exit_code == 0 and [a.state for a in honoured.decisions] == ["active"]
    assert "accepted until 2025-03-31" in format_table(honoured)
    # on its expiry date it no longer counts
    for day in (_dt.date(2025, 3, 31), AFTER_EXPIRY):
        expired = audit(channel, pins, small, day)
        assert [f.status for f in expired.findings] == ["expired"]
        assert expired.exit_code == 1 and [a.state for a in expired.decisions] == ["expired"]
    assert "FAIL: 1 finding(s) block: 1 with an expired decision: decide again" in format_table(expired)


def test_acceptance_for_another_package_is_an_error_and_an_unused_one_a_note(tmp_path: Path, db):
    path = channel_variant(tmp_path, (
        '\n[[accepted-risks]]\nid = "GHSA-cpwx-vrp4-4pq7"\npackage = "werkzeug"\nreason = "wrong package"\n'
        'decided = 2025-03-06\nby = "test"\nexpires = 2025-12-31\n'
    ))
    with pytest.raises(ChannelError) as info:
        audit(load_channel(path), parse_pins("jinja2==3.1.4\n"), db, _dt.date(2025, 4, 1))
    message = str(info.value)
    assert message.startswith(f"{path}:") and "[[accepted-risks]][1] id" in message and "\n" not in message
    assert "GHSA-cpwx-vrp4-4pq7 is an advisory of jinja2, not of werkzeug; correct the package" in message
    report = audit(load_channel(CHANNEL), parse_pins("jinja2==3.1.4\n"), db, _dt.date(2025, 2, 1))
    assert [f.status for f in report.findings] == ["undecided"]
    assert {a.decision.id: a.state for a in report.decisions} == {"CVE-2024-6221": "unused"}
    assert any("CVE-2024-6221" in n and "matches no advisory" in n for n in report.notes)


def test_declared_exception_brings_the_fix_into_series(tmp_path: Path, db):
    path = channel_variant(tmp_path, (
        '\n[[exceptions]]\npackage = "flask-cors"\nseries = "6.0"\npython = ">=3.13"\n'
        'reason = "CVE-2024-6839 is fixed only in Flask-Cors 6.0"\n'
    ))
    pins = parse_pins('flask-cors==4.0.1 ; python_version < "3.13"\nflask-cors==6.0.0 ; python_version >= "3.13"\n')
    found = findings_by_id(audit(load_channel(path), pins, db, BEFORE_EXPIRY))
    # the 4.0.1 line applies on 3.8-3.12 only, whose series is 4.0: still outside
    assert found["flask-cors", "GHSA-7rxf-gvfg-47g4"].fix == "outside-series"
    assert found["flask-cors", "GHSA-7rxf-gvfg-47g4"].marker == 'python_version < "3.13"'
    # a 4.0.1 pin used on 3.13 too would be fixed by a refresh within the exception's series
    both = audit(load_channel(path), parse_pins("flask-cors==4.0.1\n"), db, BEFORE_EXPIRY)
    one = findings_by_id(both)["flask-cors", "GHSA-7rxf-gvfg-47g4"]
    assert one.series == ("4.0", "6.0") and one.fix == "in-series" and one.fixed_in_series == "6.0.0"


def test_no_fix_is_reported(tmp_path: Path):
    # PYSEC-2021-13 (Flask-Caching pickle) as it stood before its withdrawal: no fixed version.
    record = (VULNS / "flask-caching" / "PYSEC-2021-13.yaml").read_text()
    (tmp_path / "PYSEC-2021-13.yaml").write_text("\n".join(l for l in record.splitlines() if not l.startswith("withdrawn:")))
    db = load_advisories(tmp_path)
    path = channel_variant(tmp_path, "", decisions=False)  # its accepted risk is not in this database
    report = audit(load_channel(path), parse_pins("flask-caching==1.10.1\n"), db, BEFORE_EXPIRY)
    assert [(f.status, f.fix, f.advisory.ranges_text("flask-caching")) for f in report.findings] == [("undecided", "none", [">=1.0.0"])]
    assert report.exit_code == 1


def test_changes_fix_tells_refresh_what_a_pin_change_fixes(db):
    assert changes_fix(db, "werkzeug", "3.0.0", "3.0.6") == ["GHSA-2g68-c3qc-8985", "GHSA-q34m-jh98-gwm2", "PYSEC-2023-221"]
    assert changes_fix(db, "Werkzeug", "3.0.3", "3.0.4") == []
    assert changes_fix(db, "jinja2", "3.1.4", "3.1.6") == ["GHSA-cpwx-vrp4-4pq7"]
    assert changes_fix(db, "flask-cors", "4.0.1", "4.0.2") == []  # PYSEC-2024-71 lists 4.0.2 as affected


def test_json_schema_shape(db):
    report = audit(load_channel(CHANNEL), read_pins(PINS), db, BEFORE_EXPIRY, constraints=str(PINS), notes=["online: not asked"])
    data = json.loads(report.to_json())
    assert data["schema"] == "flask-lts-audit/2" and data["channel"] == "2024" and data["today"] == "2025-01-15"
    assert data["ok"] is False and data["exit_code"] == 1
    assert data["database"]["advisories"] == 7
    assert data["summary"] == {
        "pins": 9, "affected_pins": 3, "findings": 4, "blocking": 3, "pending_backports": 0,
        "undecided": 3, "decision-invalid": 0, "expired": 0, "pending": 0, "backported": 0, "not-affected": 0,
        "accepted": 1,
    }
    finding = next(f for f in data["findings"] if f["advisory"]["id"] == "PYSEC-2024-71")
    assert set(finding) == {"package", "version", "marker", "series", "advisory", "fix", "fixed_in_series",
                            "fixed_outside_series", "status", "blocking", "decision", "note"}
    assert set(finding["advisory"]) == {"id", "aliases", "summary", "url", "affected", "fixed", "source"}
    assert finding["advisory"]["affected"] == ["<5.0.0"] and finding["fixed_outside_series"] == ["5.0.0"]
    assert finding["decision"] == {
        "id": "CVE-2024-6221", "package": "flask-cors", "decision": "accepted", "reason": finding["decision"]["reason"],
        "evidence": [], "decided": "2024-09-01", "by": "flask-lts maintainers", "expires": "2025-03-31",
        "version": None, "patch": None,
    }
    assert data["decisions"][0]["state"] == "active" and data["notes"] == ["online: not asked"]


# -- online source --------------------------------------------------------------------


def test_online_unreachable_is_a_note_not_a_crash():
    started = time.monotonic()
    lookup = query_osv_online(parse_pins("werkzeug==3.0.3\n"), timeout=2, base_url="http://127.0.0.1:9")
    assert lookup.advisories is None and "unreachable" in lookup.note and "offline database only" in lookup.note
    assert time.monotonic() - started < 5


def test_online_lookup_reads_the_osv_api_protocol():
    """A local server speaking the OSV API (querybatch, then vulns/<id>) with a real record."""
    record = json.loads((VULNS / "werkzeug" / "GHSA-2g68-c3qc-8985.json").read_text())
    asked = []

    class OSV(BaseHTTPRequestHandler):
        def _send(self, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            queries = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["queries"]
            asked.extend(queries)
            self._send({"results": [{"vulns": [{"id": record["id"], "modified": record["modified"]}]}
                                    if q["package"]["name"] == "werkzeug" else {} for q in queries]})

        def do_GET(self) -> None:
            self._send(record)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), OSV)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        lookup = query_osv_online(parse_pins("werkzeug==3.0.2\nflask==3.0.3\n"), timeout=5,
                                  base_url=f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
    assert {q["package"]["name"]: q["version"] for q in asked} == {"werkzeug": "3.0.2", "flask": "3.0.3"}
    assert [a.id for a in lookup.advisories] == ["GHSA-2g68-c3qc-8985"] and "knows 1 advisories" in lookup.note
    assert lookup.advisories[0].affects("werkzeug", "3.0.2")


# -- command line -------------------------------------------------------------------------


def test_cli_table_json_and_exit_codes():
    args = ("audit", "--channel", str(CHANNEL), "--advisories", str(VULNS))
    table = run_tools(*args, "--today", "2025-01-15", timeout=60)
    assert table.returncode == 1, table.stderr
    assert "GHSA-q34m-jh98-gwm2" in table.stdout and "UNDECIDED" in table.stdout and "FAIL:" in table.stdout
    assert "undecided, fixed inside the series: decide fixed-in-series and make refresh" in table.stdout
    as_json = run_tools(*args, "--today", "2025-04-01", "--json", timeout=60)
    assert as_json.returncode == 1
    statuses = {f["advisory"]["id"]: f["status"] for f in json.loads(as_json.stdout)["findings"]}
    assert statuses["PYSEC-2024-71"] == "expired"
    missing = run_tools(*args, "--constraints", str(DATA / "constraints" / "missing.txt"), timeout=60)
    assert_one_line_error(missing, "missing.txt", "no such constraints file")


def test_cli_passes_a_clean_set(tmp_path: Path):
    pins = tmp_path / "pins.txt"
    pins.write_text("flask==3.0.3\nwerkzeug==3.0.6\njinja2==3.1.6\nflask-cors==6.0.0\n")
    proc = run_tools("audit", "--channel", str(CHANNEL), "--advisories", str(VULNS), "--constraints", str(pins), timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OK: no known advisory affects a pin" in proc.stdout
    assert "CVE-2024-6221 (flask-cors) accepted until 2025-03-31 [unused]" in proc.stdout


def test_cli_malformed_record_is_one_line_error(tmp_path: Path):
    shutil.copytree(VULNS, tmp_path / "vulns")
    (tmp_path / "vulns" / "werkzeug" / "PYSEC-2099-1.yaml").write_text("id: PYSEC-2099-1\naffected:\n  package: werkzeug\n")
    proc = run_tools("audit", "--channel", str(CHANNEL), "--advisories", str(tmp_path / "vulns"), timeout=60)
    assert_one_line_error(proc, "PYSEC-2099-1.yaml", "malformed OSV record")


# -- decisions ------------------------------------------------------------------------------

Q34M = "GHSA-q34m-jh98-gwm2"  # werkzeug multipart, fixed in 3.0.6: inside the 3.0 series


def decision(id: str, package: str, kind: str, **keys: str) -> str:
    """One [[advisories]] table; dates are written bare, the rest quoted."""
    lines = ["", "[[advisories]]", f'id = "{id}"', f'package = "{package}"', f'decision = "{kind}"',
             'reason = "test"', 'evidence = ["https://example.org/advisory"]', "decided = 2025-01-01", 'by = "test"']
    lines += [f"{k} = {v}" if k == "expires" else f'{k} = "{v}"' for k, v in keys.items()]
    return "\n".join(lines) + "\n"


def channel_in_repo(tmp_path: Path, extra: str) -> Path:
    """The fixture channel (without its accepted risk) at <repo>/channels/2024.toml, so that
    patch paths resolve against <repo>."""
    (tmp_path / "channels").mkdir(exist_ok=True)
    path = tmp_path / "channels" / "2024.toml"
    text = CHANNEL.read_text()
    path.write_text(text[: text.index("[[accepted-risks]]")] + extra)
    return path


def test_fixed_in_series_is_pending_until_refresh_takes_the_fix(tmp_path: Path, db):
    channel = load_channel(channel_in_repo(tmp_path, decision(Q34M, "werkzeug", "fixed-in-series", version="3.0.6")))
    report = audit(channel, parse_pins("werkzeug==3.0.3\n"), db, BEFORE_EXPIRY)
    (finding,) = report.findings
    assert finding.status == "pending" and finding.blocking and report.exit_code == 1
    assert finding.note == "make refresh CHANNEL=2024 takes 3.0.6 (after verify and the canaries)"
    assert "FAIL: 1 finding(s) block: 1 decided but pending (1 refresh(es) to take)" in format_table(report)
    refreshed = audit(channel, parse_pins("werkzeug==3.0.6\n"), db, BEFORE_EXPIRY)
    assert refreshed.findings == () and refreshed.exit_code == 0
    assert [s.state for s in refreshed.decisions] == ["resolved"]  # kept as the record


@pytest.mark.parametrize(
    "kind, version, note",
    [
        ("fixed-in-series", "3.0.4", "3.0.4 is itself affected by GHSA-q34m-jh98-gwm2"),
        ("exception", "2.3.8", "2.3.8 is itself affected by GHSA-q34m-jh98-gwm2"),
    ],
)
def test_a_decision_that_does_not_hold_blocks(tmp_path: Path, db, kind: str, version: str, note: str):
    channel = load_channel(channel_in_repo(tmp_path, decision(Q34M, "werkzeug", kind, version=version)))
    report = audit(channel, parse_pins("werkzeug==3.0.3\n"), db, BEFORE_EXPIRY)
    assert [(f.status, f.note) for f in report.findings] == [("decision-invalid", note)]
    assert report.exit_code == 1 and [s.state for s in report.decisions] == ["invalid"]


def test_fixed_in_series_on_a_held_release_does_not_hold(tmp_path: Path, db):
    held = ('\n[[held]]\npackage = "werkzeug"\nheld-at = "3.0.3"\nrefused = "3.0.6"\ncanaries = ["c"]\n'
            'tests = ["t"]\ndecided = 2025-01-01\nreview = 2025-06-01\nreason = "regresses c"\n')
    channel = load_channel(channel_in_repo(tmp_path, decision(Q34M, "werkzeug", "fixed-in-series", version="3.0.6") + held))
    (finding,) = audit(channel, parse_pins("werkzeug==3.0.3\n"), db, BEFORE_EXPIRY).findings
    assert finding.status == "decision-invalid" and "3.0.6 is held (refused for regressing c)" in finding.note


def test_backport_pending_then_patch_missing_then_built(tmp_path: Path, db):
    pending = load_channel(channel_in_repo(tmp_path, decision(Q34M, "werkzeug", "backport", version="3.0.3+lts2024.1", patch="pending")))
    report = audit(pending, parse_pins("werkzeug==3.0.3\n"), db, BEFORE_EXPIRY)
    (finding,) = report.findings
    assert finding.status == "pending" and finding.backport_pending and report.exit_code == 1
    assert report.to_dict()["summary"]["pending_backports"] == 1
    table = format_table(report)
    assert "backport 3.0.3+lts2024.1 (patch pending)" in table
    assert f"Pending backports (1; they block publishing until built and pinned by a serial):\n  werkzeug 3.0.3 -> 3.0.3+lts2024.1: {Q34M} (being made)" in table
    assert "FAIL: 1 finding(s) block: 1 decided but pending (1 backport(s) being made)" in table

    patch = f"channels/2024/patches/werkzeug/{Q34M}.patch"
    named = load_channel(channel_in_repo(tmp_path, decision(Q34M, "werkzeug", "backport", version="3.0.3+lts2024.1", patch=patch)))
    (missing,) = audit(named, parse_pins("werkzeug==3.0.3\n"), db, BEFORE_EXPIRY).findings
    assert missing.status == "decision-invalid" and missing.note == f'patch {patch} does not exist; add it, or write patch = "pending"'

    (tmp_path / patch).parent.mkdir(parents=True)
    (tmp_path / patch).write_text("--- a/src/werkzeug/formparser.py\n+++ b/src/werkzeug/formparser.py\n")
    (ready,) = audit(named, parse_pins("werkzeug==3.0.3\n"), db, BEFORE_EXPIRY).findings
    assert ready.status == "pending" and "ready: build 3.0.3+lts2024.1" in ready.note and ready.backport_pending
    assert "1 decided but pending (1 backport(s) patched, to build and publish)" in format_table(audit(named, parse_pins("werkzeug==3.0.3\n"), db, BEFORE_EXPIRY))
    unpublished = audit(named, parse_pins("werkzeug==3.0.3+lts2024.1\n"), db, BEFORE_EXPIRY)
    assert [f.status for f in unpublished.findings] == ["decision-invalid"] and unpublished.exit_code == 1
    assert "packages/2024/ publishes no such build" in unpublished.findings[0].note


def publish_record(root: Path, package: str, version: str, advisories: list[str]) -> Path:
    """A backport build's record in `<root>/packages/2024/` (what backport publish writes), with its SHA256SUMS."""
    import hashlib

    folder = root / "packages" / "2024"
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "schema": "flask-lts-backport/1", "channel": "2024", "package": package, "version": version,
        "release": version.split("+")[0], "published": "2025-01-10", "files": [], "gate": {"3.11": {}},
        "patches": [{"advisory": a, "aliases": [], "name": f"{a}.patch", "file": f"{package}-{version}.{a}.patch",
                     "fixed_upstream": "3.0.6", "sha256": "ab" * 32} for a in advisories],
    }  # fmt: skip
    (folder / f"{package}-{version}.json").write_text(json.dumps(record))
    for a in advisories:
        (folder / f"{package}-{version}.{a}.patch").write_text(f"the fix of {a}\n")
    sums = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in sorted(folder.iterdir()) if p.name != "SHA256SUMS")
    (folder / "SHA256SUMS").write_text(sums)
    return folder


def test_backported_only_when_the_pin_is_a_published_build_carrying_the_fix(tmp_path: Path, db):
    patch = f"channels/2024/patches/werkzeug/{Q34M}.patch"
    channel = load_channel(channel_in_repo(tmp_path, decision(Q34M, "werkzeug", "backport", version="3.0.3+lts2024.1", patch=patch)))
    (tmp_path / patch).parent.mkdir(parents=True)
    (tmp_path / patch).write_text("--- a/src/werkzeug/formparser.py\n+++ b/src/werkzeug/formparser.py\n")

    publish_record(tmp_path, "werkzeug", "3.0.3+lts2024.1", ["GHSA-0000-0000-0000"])
    (other,) = audit(channel, parse_pins("werkzeug==3.0.3+lts2024.1\n"), db, BEFORE_EXPIRY).findings
    assert other.status == "decision-invalid"
    assert other.note.startswith(f"the build 3.0.3+lts2024.1 carries no patch for {Q34M} (its patches: GHSA-0000-0000-0000)")

    publish_record(tmp_path, "werkzeug", "3.0.3+lts2024.1", [Q34M])
    (waiting,) = audit(channel, parse_pins("werkzeug==3.0.3\n"), db, BEFORE_EXPIRY).findings
    assert waiting.status == "pending" and waiting.blocking
    assert waiting.note == f"build 3.0.3+lts2024.1 is published (packages/2024/) with patch {Q34M}.patch: make refresh CHANNEL=2024 pins it"
    built = audit(channel, parse_pins("werkzeug==3.0.3+lts2024.1\n"), db, BEFORE_EXPIRY)
    # the local build is still inside the advisory's range: the decision is what clears it
    assert [f.status for f in built.findings] == ["backported"] and built.exit_code == 0
    assert built.findings[0].note == f"patch {Q34M}.patch in 3.0.3+lts2024.1 (packages/2024/werkzeug-3.0.3+lts2024.1.json)"
    assert [s.state for s in built.decisions] == ["active"]


def test_exception_is_pending_until_the_series_moves(tmp_path: Path, db):
    cors = decision("GHSA-7rxf-gvfg-47g4", "flask-cors", "exception", version="6.0.0")
    undeclared = load_channel(channel_in_repo(tmp_path, cors))
    (finding,) = [f for f in audit(undeclared, parse_pins("flask-cors==4.0.1\n"), db, BEFORE_EXPIRY).findings
                  if f.advisory.id == "GHSA-7rxf-gvfg-47g4"]
    assert finding.status == "pending" and finding.note.startswith("verify the set with flask-cors 6.0.0 (make verify, make canaries)")
    declared = load_channel(channel_in_repo(tmp_path, cors + '\n[[exceptions]]\npackage = "flask-cors"\nseries = "6.0"\nreason = "fix"\n'))
    (finding,) = [f for f in audit(declared, parse_pins("flask-cors==4.0.1\n"), db, BEFORE_EXPIRY).findings
                  if f.advisory.id == "GHSA-7rxf-gvfg-47g4"]
    assert finding.status == "pending" and finding.note == "[[exceptions]] admits 6.0.0: make refresh CHANNEL=2024 takes it"
    moved = audit(declared, parse_pins("flask-cors==6.0.0\n"), db, BEFORE_EXPIRY)
    assert moved.findings == () and [s.state for s in moved.decisions] == ["resolved"]


def test_not_affected_holds_until_it_expires(tmp_path: Path, db):
    channel = load_channel(channel_in_repo(tmp_path, decision(Q34M, "werkzeug", "not-affected", expires="2025-03-31")))
    before = audit(channel, parse_pins("werkzeug==3.0.3\n"), db, BEFORE_EXPIRY)
    assert [f.status for f in before.findings] == ["not-affected"] and before.exit_code == 0
    assert "OK: 1 finding(s), each with a decision that holds" in format_table(before)
    after = audit(channel, parse_pins("werkzeug==3.0.3\n"), db, _dt.date(2025, 3, 31))
    assert [f.status for f in after.findings] == ["expired"] and after.exit_code == 1


# -- advisories of our own (FLTS-...) --------------------------------------------------------------


def own_record(**changes: object) -> dict:
    """A record of flask-lts's own: a werkzeug fix no published advisory names (made up for the test)."""
    record = {
        "schema_version": "1.6.0", "id": "FLTS-2026-0001", "modified": "2026-11-30T00:00:00Z",
        "summary": "Werkzeug fixes a flaw without an advisory",
        "affected": [{"package": {"ecosystem": "PyPI", "name": "werkzeug"},
                      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.6"}]}]}],
        "references": [{"type": "FIX", "url": "https://example.org/commit/1"},
                       {"type": "REPORT", "url": "https://example.org/issues/2"}],
    }  # fmt: skip
    record.update(changes)
    return record


def test_a_record_of_our_own_is_read_linked_and_decided_like_a_published_one(tmp_path: Path, db):
    local = tmp_path / "local" / "werkzeug"
    local.mkdir(parents=True)
    (local / "FLTS-2026-0001.json").write_text(json.dumps(own_record()))
    merged = load_advisories(VULNS, tmp_path / "local")
    (own,) = [a for a in merged.for_package("werkzeug") if a.id == "FLTS-2026-0001"]
    assert own.url == "https://example.org/commit/1"  # osv.dev knows no FLTS id: the record links the fix
    channel = load_channel(channel_in_repo(tmp_path, decision("FLTS-2026-0001", "werkzeug", "accepted", expires="2025-06-30")))
    report = audit(channel, parse_pins("werkzeug==3.0.3\n"), merged, BEFORE_EXPIRY)
    found = findings_by_id(report)
    assert (found["werkzeug", "FLTS-2026-0001"].status, found["werkzeug", "FLTS-2026-0001"].fixed_in_series) == ("accepted", "3.0.6")
    assert found["werkzeug", Q34M].status == "undecided"  # the published advisories are judged as before
    assert "FLTS-2026-0001 (werkzeug): Werkzeug fixes a flaw without an advisory" in format_table(report)
    # A WEB (or ADVISORY) reference, such as the changelog section, is the link, as for any record.
    web = {"type": "WEB", "url": "https://example.org/changes#3.0.6"}
    (local / "FLTS-2026-0001.json").write_text(json.dumps(own_record(references=[*own_record()["references"], web])))
    (own,) = load_advisories(tmp_path / "local").for_package("werkzeug")
    assert own.url == web["url"]


@pytest.mark.parametrize(
    "changes, needle",
    [
        ({"id": "FLTS-26-1"}, "'FLTS-26-1' is not a flask-lts id (FLTS-<year>-<number of four or more digits>)"),
        ({"id": "FLTS-2026-001"}, "'FLTS-2026-001' is not a flask-lts id"),
        ({"references": []}, "FLTS-2026-0001 has no references; a flask-lts record must link the fix it transcribes"),
        ({"references": [{"type": "WEB"}]}, "FLTS-2026-0001 has no references"),
    ],
)
def test_a_malformed_record_of_our_own_is_a_one_line_error_naming_the_file(tmp_path: Path, changes: dict, needle: str):
    bad = tmp_path / "werkzeug" / "FLTS-2026-0001.json"
    bad.parent.mkdir()
    bad.write_text(json.dumps(own_record(**changes)))
    with pytest.raises(AdvisoryDatabaseError) as info:
        load_advisories(tmp_path)
    message = str(info.value)
    assert str(bad) in message and needle in message and "\n" not in message


def test_cli_missing_decision_fails_and_unknown_advisory_is_one_line_error(tmp_path: Path):
    undecided = channel_in_repo(tmp_path, "")
    pins = tmp_path / "pins.txt"
    pins.write_text("werkzeug==3.0.3\n")
    proc = run_tools("audit", "--channel", str(undecided), "--advisories", str(VULNS), "--constraints", str(pins),
                     "--today", "2025-01-15", timeout=60)
    assert proc.returncode == 1 and "UNDECIDED" in proc.stdout and "FAIL:" in proc.stdout
    unknown = channel_in_repo(tmp_path, decision("GHSA-0000-0000-0000", "werkzeug", "accepted", expires="2025-06-30"))
    proc = run_tools("audit", "--channel", str(unknown), "--advisories", str(VULNS), "--constraints", str(pins), timeout=60)
    assert proc.returncode == 2
    assert_one_line_error(proc, f"{unknown}:", "[[advisories]][0] id", "GHSA-0000-0000-0000 is not in the advisory data",
                          "run make advisories")


# -- the gate: no new serial while the audit fails ----------------------------------------------------


def constraints_of(channel_file: Path, tmp_path: Path, pins: str) -> Path:
    """Every constraints file of the fixture channel's current serial, with these pins."""
    channel = load_channel(channel_file)
    out = tmp_path / "constraints"
    header = f"#\n# flask-lts-2024.txt\n# from channels/2024.toml (serial {channel.version})\n# Made on 2025-01-10.\n#\n"
    for path in [out / "flask-lts-2024.txt", out / "flask-lts-2024-hashes.txt",
                 *(out / "2024" / f"py{p}{s}.txt" for p in channel.pythons for s in ("", "-hashes"))]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + pins)
    return out


def test_archive_refuses_a_new_serial_while_the_audit_fails_and_writes_nothing(tmp_path: Path, db):
    from flask_lts_tools.site import archive_serial

    channel_file = channel_in_repo(tmp_path, decision(Q34M, "werkzeug", "backport", version="3.0.3+lts2024.1", patch="pending"))
    channel = load_channel(channel_file)
    constraints = constraints_of(channel_file, tmp_path, "werkzeug==3.0.3\n")
    archive = tmp_path / "published"
    with pytest.raises(AuditGateError) as info:
        archive_serial(channel, constraints, archive, advisories=db, today=BEFORE_EXPIRY)
    assert str(info.value) == ("channel 2024: cannot archive serial 2024.0 while its audit fails "
                               "(1 pending (1 backport being made)); see make audit CHANNEL=2024")
    assert not archive.exists() or list(archive.rglob("*")) == [archive / "2024"]  # no serial, no staging folder
    # the backport built: the same channel archives
    constraints = constraints_of(channel_file, tmp_path, "werkzeug==3.0.3+lts2024.1\n")
    patch = tmp_path / "channels" / "2024" / "patches" / "werkzeug" / f"{Q34M}.patch"
    patch.parent.mkdir(parents=True)
    patch.write_text("a patch\n")
    built = load_channel(channel_in_repo(tmp_path, decision(Q34M, "werkzeug", "backport", version="3.0.3+lts2024.1",
                                                            patch=str(patch.relative_to(tmp_path)))))
    with pytest.raises(AuditGateError):  # pinned, but no such build is published
        archive_serial(built, constraints, archive, advisories=db, today=BEFORE_EXPIRY, packages_dir=tmp_path / "packages")
    publish_record(tmp_path, "werkzeug", "3.0.3+lts2024.1", [Q34M])
    outcome = archive_serial(built, constraints, archive, advisories=db, today=BEFORE_EXPIRY, packages_dir=tmp_path / "packages")
    serial = archive / "2024" / "2024.0"
    assert outcome.state == "published" and (serial / "SHA256SUMS").is_file()
    # the serial carries what users need to know about the build it pins: the OpenVEX statement and the patch
    assert (serial / f"werkzeug-3.0.3+lts2024.1.{Q34M}.patch").read_text() == f"the fix of {Q34M}\n"
    vex = json.loads((serial / "vex.json").read_text())
    assert vex["@id"] == "https://flask-lts.github.io/flask-lts/2024/2024.0/vex.json"
    assert [(st["vulnerability"]["name"], st["status"]) for st in vex["statements"]] == [(Q34M, "fixed")]
    assert {"vex.json", f"werkzeug-3.0.3+lts2024.1.{Q34M}.patch"} <= set((serial / "SHA256SUMS").read_text().split())
    # archiving again is a no-op; the site's check of the serial passes with the same files
    assert archive_serial(built, constraints, archive, check=True, packages_dir=tmp_path / "packages").state == "unchanged"


def test_cli_archive_refuses_with_one_line_naming_the_channel_and_make_audit(tmp_path: Path):
    channel_file = channel_in_repo(tmp_path, "")
    constraints = constraints_of(channel_file, tmp_path, "werkzeug==3.0.3\n")
    proc = run_tools("--channels-dir", str(channel_file.parent), "archive", "2024", "--constraints-dir", str(constraints),
                     "--archive-dir", str(tmp_path / "published"), "--advisories", str(VULNS), "--today", "2025-01-15", timeout=60)
    assert proc.returncode == 18
    assert_one_line_error(proc, "channel 2024: cannot archive serial 2024.0 while its audit fails (1 undecided)",
                          "make audit CHANNEL=2024")
    assert not (tmp_path / "published" / "2024" / "2024.0").exists()


# -- the committed channels ----------------------------------------------------------------------------

AUDIT_DAY = _dt.date(2026, 11, 30)  # the day the decisions were recorded
# Serial 2024.2 (2026-11-30) pins every build and carries out every exception: nothing is
# pending, and these are the findings its builds answer.
BACKPORTED = {
    "2024": {
        ("werkzeug", "3.0.6+lts2024.1"): {"GHSA-g6x2-hccm-hh4m", "PYSEC-2026-2044", "PYSEC-2026-2046", "PYSEC-2026-2320"},
        ("flask", "3.0.3+lts2024.1"): {"PYSEC-2026-2151"},
        ("flask-cors", "4.0.2+lts2024.1"): {"PYSEC-2026-1383", "PYSEC-2026-1384", "PYSEC-2026-1385"},
        ("flask-httpauth", "4.8.0+lts2024.1"): {"PYSEC-2026-2152"},
        ("click", "8.1.8+lts2024.1"): {"PYSEC-2026-2132"},
        ("marshmallow", "3.21.3+lts2024.1"): {"PYSEC-2026-1605"},
        ("pyjwt", "2.8.0+lts2024.2"): {"GHSA-8wjv-2p76-3863", "GHSA-ffc3-869f-jxw9", "GHSA-hxm8-2xgr-2p9m", "GHSA-p4g4-x82p-q773",
                                       "GHSA-r6x4-923q-g947", "GHSA-w2cx-738m-mc7w", "GHSA-w6j9-cwv2-h6wq", "PYSEC-2026-120",
                                       "PYSEC-2026-179", "GHSA-42vr-xj54-vc7v", "GHSA-jwrc-g2q2-pq5p"},
    },
    "2026": {},
}
PENDING_BACKPORTS: dict = {"2024": {}, "2026": {}}
# 2024.2 moved h11, python-engineio (to 4.13.5) and python-socketio (to 5.16.4); serial 2026.1
# carried out the PyJWT exception (2.13.0 -> 2.15.1)
PENDING_EXCEPTIONS: dict = {"2024": {}, "2026": {}}


@pytest.mark.parametrize("name", ["2024", "2026"])
def test_committed_channels_have_a_decision_for_every_finding_and_exactly_these_pending(name: str):
    from flask_lts_tools.audit import audit_channel

    channel = load_channel(ROOT / "channels" / f"{name}.toml")
    report = audit_channel(channel, None, [ROOT / "advisories"], AUDIT_DAY)
    assert {f.status for f in report.findings} <= {"pending", "not-affected", "accepted", "backported"}, format_table(report)
    backports: dict[tuple[str, str], set[str]] = {}
    for f in report.pending_backports:
        backports.setdefault((f.package, f.decision.version), set()).add(f.advisory.id)
    assert backports == PENDING_BACKPORTS[name]
    backported: dict[tuple[str, str], set[str]] = {}
    for f in report.findings:
        if f.status == "backported":
            backported.setdefault((f.package, f.decision.version), set()).add(f.advisory.id)
    assert backported == BACKPORTED[name]
    exceptions: dict[tuple[str, str], int] = {}
    for f in report.findings:
        if f.status == "pending" and f.decision.decision == "exception":
            exceptions[f.package, f.decision.version] = exceptions.get((f.package, f.decision.version), 0) + 1
    assert exceptions == PENDING_EXCEPTIONS[name]
    # pending work blocks publishing: the gate stays shut until the backports and exceptions land
    assert report.exit_code == (1 if PENDING_BACKPORTS[name] or PENDING_EXCEPTIONS[name] else 0), format_table(report)
    # a carried-out exception (the pin now fixed) is "resolved"; nothing is expired, invalid or unused
    assert all(s.state in ("pending", "active", "resolved") for s in report.decisions), [(s.decision.id, s.state) for s in report.decisions]


def test_the_changelog_entry_of_a_refresh_names_the_decision_it_carries_out(tmp_path: Path):
    from flask_lts_tools.refresh import ChannelResolution, PinChange, RefreshPlan, changelog_entry

    channel = load_channel(channel_in_repo(tmp_path, decision(Q34M, "werkzeug", "backport", version="3.0.3+lts2024.1", patch="pending")))
    change = PinChange("werkzeug", "3.0.3", "3.0.3+lts2024.1", channel.pythons, "3.0", None)
    entry = changelog_entry(RefreshPlan(channel, ChannelResolution(channel, [], [], []), [change]), _dt.date(2025, 2, 1))
    assert entry.splitlines()[2:] == [
        "- werkzeug 3.0.3 -> 3.0.3+lts2024.1",
        f"  - backport of {Q34M} (decided 2025-01-01): test",
        "  - served by the channel's own index; its patches, record and OpenVEX statement are published with the serial",
    ]
