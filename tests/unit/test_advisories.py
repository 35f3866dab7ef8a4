"""Advisory data: refresh from a local OSV export zip and a local git checkout made here from
real records (tests/data/osv), atomic replacement, bad input, the age warning, and the
committed advisories/ itself."""

from __future__ import annotations

import datetime as _dt
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, assert_one_line_error, run_tools
from flask_lts_tools._exceptions import AdvisoryDatabaseError
from flask_lts_tools.advisories import MAX_AGE_DAYS, age_notes, channel_packages, read_manifest, read_searches, refresh
from flask_lts_tools.audit import load_advisories

DATA = ROOT / "tests" / "data" / "osv"
VULNS = DATA / "vulns"
GHSA_RECORDS = sorted(VULNS.glob("*/GHSA-*.json"))  # werkzeug x2, jinja2, flask-cors: as GitHub exports them
PYSEC_RECORDS = sorted(VULNS.glob("*/PYSEC-*.yaml"))  # werkzeug, flask, flask-cors, flask-caching (withdrawn)
TODAY = _dt.date(2026, 11, 30)


def make_zip(path: Path, records: list[Path], extra: dict[str, bytes] | None = None) -> Path:
    """An OSV export in miniature: one JSON record a member, at the top, as all.zip has them."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for record in records:
            archive.writestr(record.name, record.read_bytes())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def git(repo: Path, *args: str, date: str = "2026-07-23T14:42:31+00:00") -> str:
    env = dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main", *args],
        cwd=repo, env=env, check=True, capture_output=True, text=True, timeout=60,
    ).stdout.strip()  # fmt: skip


def make_git(repo: Path, records: list[Path], origin: str | None = "https://github.com/pypa/advisory-database") -> Path:
    """A PyPA advisory database in miniature: vulns/<package>/<id>.yaml, one commit."""
    repo.mkdir()
    git(repo, "init", "-q")
    for record in records:
        target = repo / "vulns" / record.parent.name / record.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(record.read_bytes())
    (repo / "README.md").write_text("# Python Packaging Advisory Database\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "records")
    if origin:
        git(repo, "remote", "add", "origin", origin)
    return repo


def tree(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


# -- refresh from each source -----------------------------------------------------------


def test_refresh_from_a_local_osv_zip_keeps_the_channels_records_unchanged(tmp_path):
    archive = make_zip(tmp_path / "all.zip", GHSA_RECORDS)
    out = tmp_path / "advisories"
    manifest = refresh([str(archive)], [], ["flask-cors", "werkzeug"], out, TODAY)

    # jinja2 is in no channel here: its record is left out; the others are copied byte for byte.
    assert sorted(tree(out / "osv")) == [
        "flask-cors/GHSA-7rxf-gvfg-47g4.json", "werkzeug/GHSA-2g68-c3qc-8985.json", "werkzeug/GHSA-q34m-jh98-gwm2.json",
    ]  # fmt: skip
    assert (out / "osv" / "werkzeug" / "GHSA-2g68-c3qc-8985.json").read_bytes() == (VULNS / "werkzeug" / "GHSA-2g68-c3qc-8985.json").read_bytes()
    (source,) = manifest.sources
    assert (source.kind, source.location, source.records) == ("osv-export", "all.zip", 3)
    newest = max(json.loads(p.read_text())["modified"] for p in GHSA_RECORDS)
    assert source.snapshot == _dt.date.fromisoformat(newest[:10])
    assert len(source.sha256) == 64

    written = read_manifest(out)
    assert written is not None and written.taken == TODAY and written.records == 3 and written.sources == manifest.sources
    db = load_advisories(out)  # the audit reads the directory as it is, manifest beside the records
    assert {a.id for a in db.for_package("werkzeug")} == {"GHSA-2g68-c3qc-8985", "GHSA-q34m-jh98-gwm2"}


def test_refresh_from_a_local_git_checkout_records_its_commit_and_date(tmp_path):
    repo = make_git(tmp_path / "advisory-database", PYSEC_RECORDS)
    head = git(repo, "rev-parse", "HEAD")
    out = tmp_path / "advisories"
    manifest = refresh([], [str(repo)], ["flask", "flask-caching", "werkzeug"], out, TODAY)

    assert sorted(tree(out / "osv")) == [
        "flask-caching/PYSEC-2021-13.yaml", "flask/PYSEC-2023-62.yaml", "werkzeug/PYSEC-2023-221.yaml",
    ]  # fmt: skip
    for path in PYSEC_RECORDS:
        if path.parent.name != "flask-cors":
            assert (out / "osv" / path.parent.name / path.name).read_bytes() == path.read_bytes()
    (source,) = manifest.sources
    assert source.kind == "pypa-advisory-database"
    assert source.location == "https://github.com/pypa/advisory-database"
    assert (source.commit, source.snapshot, source.records) == (head, _dt.date(2026, 7, 23), 3)
    # The withdrawn record is kept as published; the audit skips it.
    assert load_advisories(out).for_package("flask-caching") == []


def test_a_checkout_without_an_origin_remote_names_no_path_of_this_machine(tmp_path):
    repo = make_git(tmp_path / "checkout", PYSEC_RECORDS, origin=None)
    refresh([], [str(repo)], ["werkzeug"], tmp_path / "out", TODAY)
    text = (tmp_path / "out" / "manifest.toml").read_text()
    assert str(tmp_path) not in text and 'location = "local checkout (no origin remote)"' in text


def test_both_sources_together_keep_one_file_per_id_and_both_in_the_manifest(tmp_path):
    archive = make_zip(tmp_path / "all.zip", GHSA_RECORDS)
    repo = make_git(tmp_path / "advisory-database", PYSEC_RECORDS)
    manifest = refresh([str(archive)], [str(repo)], ["flask-cors", "werkzeug"], tmp_path / "out", TODAY)
    assert [s.kind for s in manifest.sources] == ["osv-export", "pypa-advisory-database"]
    assert manifest.data_date == min(s.snapshot for s in manifest.sources)
    assert sorted(tree(tmp_path / "out" / "osv")) == [
        "flask-cors/GHSA-7rxf-gvfg-47g4.json", "flask-cors/PYSEC-2024-71.yaml",
        "werkzeug/GHSA-2g68-c3qc-8985.json", "werkzeug/GHSA-q34m-jh98-gwm2.json", "werkzeug/PYSEC-2023-221.yaml",
    ]  # fmt: skip


def test_channel_packages_are_every_series_and_every_pin_of_every_channel():
    packages = channel_packages(ROOT / "channels", ROOT / "constraints")
    assert {"flask", "werkzeug", "flask-cors", "h11", "pyjwt", "zstandard", "backports-zstd"} <= set(packages)
    assert packages == sorted(set(packages))


# -- atomicity and bad input ---------------------------------------------------------------


def test_a_successful_refresh_replaces_the_old_records_and_leaves_no_temporary_files(tmp_path):
    out = tmp_path / "advisories"
    refresh([str(make_zip(tmp_path / "all.zip", GHSA_RECORDS))], [], ["werkzeug", "jinja2"], out, TODAY)
    (out / "README.md").write_text("kept\n")
    refresh([str(make_zip(tmp_path / "other.zip", GHSA_RECORDS))], [], ["jinja2"], out, TODAY)
    assert sorted(tree(out)) == ["README.md", "manifest.toml", "osv/jinja2/GHSA-cpwx-vrp4-4pq7.json"]


def test_a_bad_record_in_the_zip_is_a_one_line_error_and_changes_nothing(tmp_path):
    out = tmp_path / "advisories"
    refresh([str(make_zip(tmp_path / "good.zip", GHSA_RECORDS))], [], ["werkzeug"], out, TODAY)
    before = tree(out)
    bad = make_zip(tmp_path / "all.zip", GHSA_RECORDS, {"GHSA-xxxx-xxxx-xxxx.json": b'{"id": "GHSA-xxxx-xxxx-xxxx", "affected": ['})
    proc = run_tools("--channels-dir", str(DATA / "channels"), "advisories", "--osv-zip", str(bad),
                     "--constraints-dir", str(DATA / "constraints"), "--out", str(out), timeout=120)  # fmt: skip
    assert_one_line_error(proc, "all.zip:GHSA-xxxx-xxxx-xxxx.json", "not valid JSON", "fetch it again")
    assert proc.returncode == AdvisoryDatabaseError.exit_code
    assert tree(out) == before and not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging left


def test_a_record_the_audit_could_not_read_names_the_file_in_the_checkout(tmp_path):
    broken = tmp_path / "src" / "werkzeug" / "PYSEC-2099-1.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "id: PYSEC-2099-1\nmodified: '2026-01-01T00:00:00Z'\naffected:\n- package: {name: werkzeug, ecosystem: PyPI}\n"
        "  ranges:\n  - type: ECOSYSTEM\n    events: [{introduced: '0'}, {fixed: 'not-a-version'}]\n"
    )
    repo = make_git(tmp_path / "db", [*PYSEC_RECORDS, broken])
    out = tmp_path / "advisories"
    with pytest.raises(AdvisoryDatabaseError, match=r"db:vulns/werkzeug/PYSEC-2099-1.yaml: malformed OSV record: .*not a PEP 440"):
        refresh([], [str(repo)], ["werkzeug"], out, TODAY)
    assert not out.exists() or not any(out.iterdir())  # nothing half-written


def test_a_second_source_failing_leaves_the_data_of_the_first_unwritten(tmp_path):
    out = tmp_path / "advisories"
    archive = make_zip(tmp_path / "all.zip", GHSA_RECORDS)
    with pytest.raises(AdvisoryDatabaseError, match="not a git checkout"):
        refresh([str(archive)], [str(tmp_path)], ["werkzeug"], out, TODAY)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--osv-zip", "nowhere/all.zip"], ["nowhere/all.zip", "no such file", "--osv-zip"]),
        (["--git", "nowhere"], ["nowhere", "no such directory", "--git"]),
    ],
)
def test_a_missing_source_is_a_one_line_error(tmp_path, args, needles):
    proc = run_tools("--channels-dir", str(DATA / "channels"), "advisories", *args,
                     "--constraints-dir", str(DATA / "constraints"), "--out", str(tmp_path / "out"), timeout=120)  # fmt: skip
    assert_one_line_error(proc, *needles)


def test_the_command_line_refreshes_from_both_local_copies(tmp_path):
    archive = make_zip(tmp_path / "all.zip", GHSA_RECORDS)
    repo = make_git(tmp_path / "advisory-database", PYSEC_RECORDS)
    out = tmp_path / "advisories"
    proc = run_tools("--channels-dir", str(DATA / "channels"), "advisories", "--osv-zip", str(archive), "--git", str(repo),
                     "--constraints-dir", str(DATA / "constraints"), "--out", str(out), "--today", "2026-11-30", timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "osv-export: all.zip" in proc.stdout and "pypa-advisory-database: https://github.com/pypa/advisory-database" in proc.stdout
    assert (out / "osv" / "werkzeug" / "GHSA-2g68-c3qc-8985.json").is_file()
    assert "taken = 2026-11-30" in (out / "manifest.toml").read_text()


def test_the_refresh_lists_our_own_records_that_a_published_advisory_may_now_cover(tmp_path):
    from flask_lts_tools.advisories import own_records_to_review

    out = tmp_path / "advisories"
    local = out / "local" / "werkzeug"
    local.mkdir(parents=True)

    def own(ident: str, fixed: str) -> None:
        (local / f"{ident}.json").write_text(json.dumps({
            "id": ident, "modified": "2026-11-30T00:00:00Z", "summary": "s",
            "affected": [{"package": {"ecosystem": "PyPI", "name": "werkzeug"},
                          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}],
            "references": [{"type": "FIX", "url": "https://example.org/fix"}],
        }))  # fmt: skip

    own("FLTS-2026-0001", "3.0.6")  # GHSA-q34m-jh98-gwm2 names 3.0.6 too: maybe the same flaw, published
    own("FLTS-2026-0002", "3.0.5")  # no published record names 3.0.5
    archive = make_zip(tmp_path / "all.zip", GHSA_RECORDS)
    proc = run_tools("--channels-dir", str(DATA / "channels"), "advisories", "--osv-zip", str(archive),
                     "--constraints-dir", str(DATA / "constraints"), "--out", str(out), "--today", "2026-11-30", timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert ("local/werkzeug/FLTS-2026-0001.json: published records name its fix (3.0.6): GHSA-q34m-jh98-gwm2; "
            "if one is the same flaw, delete FLTS-2026-0001 and move the channels' decisions to that id") in proc.stdout
    assert "FLTS-2026-0002" not in proc.stdout
    assert [(p.name, a.id, ids) for p, a, ids in own_records_to_review(out)] == [
        ("FLTS-2026-0001.json", "FLTS-2026-0001", ["GHSA-q34m-jh98-gwm2"])]
    assert own_records_to_review(tmp_path / "nowhere") == []


# -- the age warning ------------------------------------------------------------------------


def dated_advisories(tmp_path: Path, snapshot: _dt.date) -> Path:
    repo = make_git(tmp_path / "db", PYSEC_RECORDS, origin=None)
    git(repo, "commit", "-q", "--allow-empty", "-m", "later", date=f"{snapshot.isoformat()}T12:00:00+00:00")
    out = tmp_path / "advisories"
    refresh([], [str(repo)], ["werkzeug", "flask", "flask-cors"], out, snapshot)
    return out


def test_the_audit_warns_when_its_data_is_older_than_the_limit(tmp_path):
    out = dated_advisories(tmp_path, TODAY - _dt.timedelta(days=MAX_AGE_DAYS + 10))
    proc = run_tools("audit", "--channel", str(DATA / "channels" / "2024.toml"), "--constraints", str(DATA / "constraints" / "flask-lts-2024.txt"),
                     "--advisories", str(out), "--today", TODAY.isoformat(), timeout=60)  # fmt: skip
    warning = f"WARNING: advisory data {out} is {MAX_AGE_DAYS + 10} days old (more than {MAX_AGE_DAYS})"
    assert warning in proc.stderr and warning in proc.stdout
    assert f"complete up to {TODAY - _dt.timedelta(days=MAX_AGE_DAYS + 10)} ({MAX_AGE_DAYS + 10} days old)" in proc.stdout
    assert "Traceback" not in proc.stderr and proc.returncode == 1  # the findings decide the exit, not the age


def test_recent_data_gives_its_age_without_a_warning(tmp_path):
    out = dated_advisories(tmp_path, TODAY - _dt.timedelta(days=5))
    notes, warnings = age_notes([out], TODAY)
    assert warnings == [] and "(5 days old)" in notes[0]
    notes, warnings = age_notes([out / "osv"], TODAY + _dt.timedelta(days=MAX_AGE_DAYS))  # osv/ finds the manifest beside it
    assert len(warnings) == 1 and f"{MAX_AGE_DAYS + 5} days old" in warnings[0]


def test_data_without_a_manifest_has_an_unknown_age_and_a_bad_manifest_is_an_error(tmp_path):
    notes, warnings = age_notes([VULNS], TODAY)
    assert warnings == [] and "its age is unknown" in notes[0]
    (tmp_path / "manifest.toml").write_text('schema = "flask-lts-advisories/1"\ntaken = 2026-11-30\n')
    with pytest.raises(AdvisoryDatabaseError, match="manifest.toml: malformed advisory manifest.*make advisories"):
        age_notes([tmp_path], TODAY)


def write_searches(out: Path, text: str) -> None:
    (out / "local").mkdir(parents=True, exist_ok=True)
    (out / "local" / "searches.toml").write_text('schema = "flask-lts-advisory-searches/1"\n' + text)


def test_a_search_of_every_package_makes_the_data_current_and_a_gap_keeps_the_warning_naming_it(tmp_path):
    snapshot = TODAY - _dt.timedelta(days=MAX_AGE_DAYS + 10)
    out = dated_advisories(tmp_path, snapshot)
    search = f'[[searches]]\nsince = {snapshot}\nthrough = {TODAY}\nmethod = "changelogs of every release"\n'
    write_searches(out, search + 'packages = ["werkzeug", "Flask"]\ngaps = [{ package = "flask-cors", reason = "no changelog" }]\n')
    notes, warnings = age_notes([out], TODAY)
    assert f"complete up to {snapshot} ({MAX_AGE_DAYS + 10} days old)" in notes[0]
    assert f"flask-lts search (local/searches.toml) of 2 of 3 packages from {snapshot} through {TODAY}" in notes[0]
    assert f"not searched since {snapshot}: flask-cors" in notes[1]
    assert len(warnings) == 1 and f"{MAX_AGE_DAYS + 10} days old (more than {MAX_AGE_DAYS}) for 1 of 3 packages (flask-cors)" in warnings[0]

    write_searches(out, search + 'packages = ["werkzeug", "flask", "flask-cors"]\n')
    notes, warnings = age_notes([out / "osv"], TODAY)  # found beside osv/ as the manifest is
    assert warnings == [] and f"complete up to {TODAY} (0 days old)" in notes[0]
    assert age_notes([out], TODAY + _dt.timedelta(days=MAX_AGE_DAYS + 1))[1]  # a search ages like a snapshot


def test_a_search_that_starts_after_the_data_ends_leaves_a_hole_and_counts_for_nothing(tmp_path):
    snapshot = TODAY - _dt.timedelta(days=MAX_AGE_DAYS + 10)
    out = dated_advisories(tmp_path, snapshot)
    write_searches(out, f'[[searches]]\nsince = {snapshot + _dt.timedelta(days=1)}\nthrough = {TODAY}\n'
                        'method = "m"\npackages = ["werkzeug", "flask", "flask-cors"]\n')  # fmt: skip
    notes, warnings = age_notes([out], TODAY)
    assert f"complete up to {snapshot}" in notes[0] and len(warnings) == 1


@pytest.mark.parametrize("text, needle", [
    ('[[searches]]\nsince = 2026-11-30\nthrough = 2026-07-23\nmethod = "m"\npackages = []\n', "since not after through"),
    ('[[searches]]\nsince = 2026-07-23\nthrough = 2026-11-30\nmethod = ""\npackages = []\n', "method must say"),
    ('[[searches]]\nsince = 2026-07-23\nthrough = 2026-11-30\nmethod = "m"\npackages = ["flask"]\n'
     'gaps = [{ package = "Flask", reason = "r" }]\n', "flask both searched and a gap"),
    ('[[searches]]\nsince = 2026-07-23\nthrough = 2026-11-30\nmethod = "m"\n', "packages"),
])  # fmt: skip
def test_a_malformed_search_record_is_an_error_naming_its_file(tmp_path, text, needle):
    out = dated_advisories(tmp_path, TODAY)
    write_searches(out, text)
    with pytest.raises(AdvisoryDatabaseError, match=f"searches.toml: malformed advisory search record.*{needle}"):
        age_notes([out], TODAY)


# -- the committed data ------------------------------------------------------------------------


def test_the_committed_advisories_are_readable_and_described_by_their_manifest():
    directory = ROOT / "advisories"
    manifest = read_manifest(directory)
    assert manifest is not None and manifest.sources
    packages = set(channel_packages(ROOT / "channels", ROOT / "constraints"))
    files = [p for p in (directory / "osv").rglob("*") if p.is_file()]
    assert len(files) == manifest.records
    for path in files:
        assert path.parent.name in packages, path
    db = load_advisories(directory)
    names = {n for package in packages for a in db.for_package(package) for n in a.names}
    # Advisories the 2024 channel is known to be affected by.
    for ghsa in ("GHSA-hgf8-39gv-g3f2", "GHSA-87hc-h4r5-73f7", "GHSA-29vq-49wr-vm6x", "GHSA-g6x2-hccm-hh4m", "GHSA-68rp-wp8r-4726",
                 "GHSA-43qf-4rqw-9q2g", "GHSA-7rxf-gvfg-47g4", "GHSA-8vgw-p6qm-5gr7"):  # fmt: skip
        assert ghsa in names, ghsa
    # Transcribed records name their origin, and a published record with the same id would replace them.
    for path in (directory / "local").rglob("*.json"):
        record = json.loads(path.read_text())
        assert record["id"] == path.stem and "transcribed_from" in record["database_specific"]["flask-lts"]
        assert not list((directory / "osv").rglob(f"{path.stem}.*")), f"{path} is published now: delete it"


def test_the_committed_searches_name_packages_of_the_data_and_what_they_found_is_in_local():
    directory = ROOT / "advisories"
    manifest = read_manifest(directory)
    searches = read_searches(directory)
    assert manifest is not None and searches
    for search in searches:
        named = set(search.packages) | {package for package, _ in search.gaps}
        assert named <= set(manifest.packages), sorted(named - set(manifest.packages))
    import tomllib

    data = tomllib.loads((directory / "local" / "searches.toml").read_text())
    local = {p.stem for p in (directory / "local").rglob("*.json")}
    for entry in data["searches"]:
        assert set(entry["found"]) <= local, sorted(set(entry["found"]) - local)


def test_links_to_the_package_index_are_the_one_thing_dropped_from_a_record():
    from flask_lts_tools.advisories import without_index_links

    yaml_record = (
        b"id: PYSEC-0000-1\nreferences:\n- type: ADVISORY\n  url: https://example.org/a\n"
        b"- type: PACKAGE\n  url: https://pypi.org/project/werkzeug\n- type: WEB\n  url: https://example.org/b\n"
    )
    assert without_index_links(yaml_record, ".yaml") == (
        b"id: PYSEC-0000-1\nreferences:\n- type: ADVISORY\n  url: https://example.org/a\n- type: WEB\n  url: https://example.org/b\n"
    )
    json_record = json.dumps({"id": "GHSA-x", "references": [
        {"type": "PACKAGE", "url": "https://pypi.org/project/flask"}, {"type": "WEB", "url": "https://example.org/c"}]}).encode()
    assert json.loads(without_index_links(json_record, ".json"))["references"] == [{"type": "WEB", "url": "https://example.org/c"}]
    untouched = b'{"id": "GHSA-y", "references": []}'
    assert without_index_links(untouched, ".json") is untouched


def test_the_committed_records_name_no_package_index_host():
    offending = [p.name for p in (ROOT / "advisories").rglob("*") if p.is_file() and b"pypi.org" in p.read_bytes()]
    assert offending == []
