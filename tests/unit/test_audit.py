"""Audit: real advisories (tests/data/osv) against channel pins, accepted risks and their expiry."""

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


def channel_variant(tmp_path: Path, extra: str) -> Path:
    """The fixture channel with more TOML appended (name stays 2024: file stem)."""
    path = tmp_path / "2024.toml"
    path.write_text(CHANNEL.read_text() + extra)
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
    # refresh fixes these: a fixed version exists in the frozen series
    assert found["werkzeug", "GHSA-q34m-jh98-gwm2"].status == "fix-in-series"
    assert found["werkzeug", "GHSA-q34m-jh98-gwm2"].fixed_in_series == "3.0.6"
    assert found["jinja2", "GHSA-cpwx-vrp4-4pq7"].fixed_in_series == "3.1.6"
    # only Flask-Cors 6.0 fixes this: the channel needs an exception or an accepted risk
    outside = found["flask-cors", "GHSA-7rxf-gvfg-47g4"]
    assert outside.status == "fix-outside-series" and outside.fixed_in_series is None
    assert outside.fixed_outside_series == ("6.0.0",) and outside.series == ("4.0",)
    # accepted in the channel file under its CVE alias
    accepted = found["flask-cors", "PYSEC-2024-71"]
    assert accepted.status == "accepted" and accepted.acceptance.id == "CVE-2024-6221"
    assert accepted.fix == "outside-series" and not accepted.blocking
    assert report.exit_code == 1  # three unaccepted findings remain


def test_accepted_risk_honoured_then_expired(db):
    channel = load_channel(CHANNEL)
    pins = parse_pins("flask-cors==4.0.1\n")
    only_accepted = [a for a in db.for_package("flask-cors") if a.id == "PYSEC-2024-71"]
    from flask_lts_tools._osv import AdvisoryDatabase

    small = AdvisoryDatabase()
    small.extend(only_accepted, "PYSEC-2024-71 only")
    honoured = audit(channel, pins, small, BEFORE_EXPIRY)
    assert [f.status for f in honoured.findings] == ["accepted"]
    assert honoured.exit_code == 0 and [a.state for a in honoured.acceptances] == ["active"]
    assert "accepted until 2025-03-31" in format_table(honoured)
    # on its expiry date it no longer counts
    for day in (_dt.date(2025, 3, 31), AFTER_EXPIRY):
        expired = audit(channel, pins, small, day)
        assert [f.status for f in expired.findings] == ["acceptance-expired"]
        assert expired.exit_code == 1 and [a.state for a in expired.acceptances] == ["expired"]
    assert "acceptance EXPIRED 2025-03-31" in format_table(expired)


def test_acceptance_for_another_package_or_unused_does_not_count(tmp_path: Path, db):
    path = channel_variant(tmp_path, (
        '\n[[accepted-risks]]\nid = "GHSA-cpwx-vrp4-4pq7"\npackage = "werkzeug"\nreason = "wrong package"\n'
        'decided = 2025-03-06\nby = "test"\nexpires = 2025-12-31\n'
    ))
    report = audit(load_channel(path), parse_pins("jinja2==3.1.4\n"), db, _dt.date(2025, 4, 1))
    assert [f.status for f in report.findings] == ["fix-in-series"]
    assert {a.risk.id: a.state for a in report.acceptances} == {"CVE-2024-6221": "unused", "GHSA-cpwx-vrp4-4pq7": "unused"}
    assert any("GHSA-cpwx-vrp4-4pq7" in n and "matches no advisory" in n for n in report.notes)


def test_declared_exception_brings_the_fix_into_series(tmp_path: Path, db):
    path = channel_variant(tmp_path, (
        '\n[[exceptions]]\npackage = "flask-cors"\nseries = "6.0"\npython = ">=3.13"\n'
        'reason = "CVE-2024-6839 is fixed only in Flask-Cors 6.0"\n'
    ))
    pins = parse_pins('flask-cors==4.0.1 ; python_version < "3.13"\nflask-cors==6.0.0 ; python_version >= "3.13"\n')
    found = findings_by_id(audit(load_channel(path), pins, db, BEFORE_EXPIRY))
    # the 4.0.1 line applies on 3.8-3.12 only, whose series is 4.0: still outside
    assert found["flask-cors", "GHSA-7rxf-gvfg-47g4"].status == "fix-outside-series"
    assert found["flask-cors", "GHSA-7rxf-gvfg-47g4"].marker == 'python_version < "3.13"'
    # a 4.0.1 pin used on 3.13 too would be fixed by a refresh within the exception's series
    both = audit(load_channel(path), parse_pins("flask-cors==4.0.1\n"), db, BEFORE_EXPIRY)
    one = findings_by_id(both)["flask-cors", "GHSA-7rxf-gvfg-47g4"]
    assert one.series == ("4.0", "6.0") and one.status == "fix-in-series" and one.fixed_in_series == "6.0.0"


def test_no_fix_is_reported(tmp_path: Path):
    # PYSEC-2021-13 (Flask-Caching pickle) as it stood before its withdrawal: no fixed version.
    record = (VULNS / "flask-caching" / "PYSEC-2021-13.yaml").read_text()
    (tmp_path / "PYSEC-2021-13.yaml").write_text("\n".join(l for l in record.splitlines() if not l.startswith("withdrawn:")))
    db = load_advisories(tmp_path)
    path = channel_variant(tmp_path, "")
    report = audit(load_channel(path), parse_pins("flask-caching==1.10.1\n"), db, BEFORE_EXPIRY)
    assert [(f.status, f.fix, f.advisory.ranges_text("flask-caching")) for f in report.findings] == [("no-fix", "none", [">=1.0.0"])]
    assert report.exit_code == 1


def test_changes_fix_tells_refresh_what_a_pin_change_fixes(db):
    assert changes_fix(db, "werkzeug", "3.0.0", "3.0.6") == ["GHSA-2g68-c3qc-8985", "GHSA-q34m-jh98-gwm2", "PYSEC-2023-221"]
    assert changes_fix(db, "Werkzeug", "3.0.3", "3.0.4") == []
    assert changes_fix(db, "jinja2", "3.1.4", "3.1.6") == ["GHSA-cpwx-vrp4-4pq7"]
    assert changes_fix(db, "flask-cors", "4.0.1", "4.0.2") == []  # PYSEC-2024-71 lists 4.0.2 as affected


def test_json_schema_shape(db):
    report = audit(load_channel(CHANNEL), read_pins(PINS), db, BEFORE_EXPIRY, constraints=str(PINS), notes=["online: not asked"])
    data = json.loads(report.to_json())
    assert data["schema"] == "flask-lts-audit/1" and data["channel"] == "2024" and data["today"] == "2025-01-15"
    assert data["ok"] is False and data["exit_code"] == 1
    assert data["database"]["advisories"] == 7
    assert data["summary"] == {
        "pins": 9, "affected_pins": 3, "findings": 4, "blocking": 3,
        "fix-in-series": 2, "fix-outside-series": 1, "no-fix": 0, "accepted": 1, "acceptance-expired": 0,
    }
    finding = next(f for f in data["findings"] if f["advisory"]["id"] == "PYSEC-2024-71")
    assert set(finding) == {"package", "version", "marker", "series", "advisory", "fix", "fixed_in_series",
                            "fixed_outside_series", "status", "blocking", "acceptance"}
    assert set(finding["advisory"]) == {"id", "aliases", "summary", "url", "affected", "fixed", "source"}
    assert finding["advisory"]["affected"] == ["<5.0.0"] and finding["fixed_outside_series"] == ["5.0.0"]
    assert finding["acceptance"] == {
        "id": "CVE-2024-6221", "package": "flask-cors", "reason": finding["acceptance"]["reason"],
        "decided": "2024-09-01", "by": "flask-lts maintainers", "expires": "2025-03-31",
    }
    assert data["accepted_risks"][0]["state"] == "active" and data["notes"] == ["online: not asked"]


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
    assert "GHSA-q34m-jh98-gwm2" in table.stdout and "fix-in-series" in table.stdout and "FAIL:" in table.stdout
    as_json = run_tools(*args, "--today", "2025-04-01", "--json", timeout=60)
    assert as_json.returncode == 1
    statuses = {f["advisory"]["id"]: f["status"] for f in json.loads(as_json.stdout)["findings"]}
    assert statuses["PYSEC-2024-71"] == "acceptance-expired"
    missing = run_tools(*args, "--constraints", str(DATA / "constraints" / "missing.txt"), timeout=60)
    assert_one_line_error(missing, "missing.txt", "no such constraints file")


def test_cli_passes_a_clean_set(tmp_path: Path):
    pins = tmp_path / "pins.txt"
    pins.write_text("flask==3.0.3\nwerkzeug==3.0.6\njinja2==3.1.6\nflask-cors==6.0.0\n")
    proc = run_tools("audit", "--channel", str(CHANNEL), "--advisories", str(VULNS), "--constraints", str(pins), timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OK: no known advisory affects a pin" in proc.stdout
    assert "CVE-2024-6221 (flask-cors) unused" in proc.stdout


def test_cli_malformed_record_is_one_line_error(tmp_path: Path):
    shutil.copytree(VULNS, tmp_path / "vulns")
    (tmp_path / "vulns" / "werkzeug" / "PYSEC-2099-1.yaml").write_text("id: PYSEC-2099-1\naffected:\n  package: werkzeug\n")
    proc = run_tools("audit", "--channel", str(CHANNEL), "--advisories", str(tmp_path / "vulns"), timeout=60)
    assert_one_line_error(proc, "PYSEC-2099-1.yaml", "malformed OSV record")
