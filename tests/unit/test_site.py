"""The published archive and the site built from it: immutable serials, moving aliases,
deterministic output, the timeline, the API files and what the pages say."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, SCRIPTS, assert_one_line_error, channel_text
from flask_lts_tools.channel import load_channel, load_channels
from flask_lts_tools.site import ArchiveError, SiteError, archive_serial, build_site, read_archive, site_files

TODAY = _dt.date(2026, 11, 24)
BASE = "https://example.test/lts/"
PINS = {
    "flask": "3.0.3",
    "werkzeug": "3.0.6",
    "jinja2": "3.1.6",
    "markupsafe": "2.1.5",
    "itsdangerous": "2.2.0",
    "click": "8.1.8",
    "blinker": "1.8.2",
    "flask-login": "0.6.3",
}
PYTHONS = ("3.11", "3.12")
SVG = "{http://www.w3.org/2000/svg}"


# -- a small repository: channels/, constraints/, published/, reports/ ---------------------


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.channels = root / "channels"
        self.constraints = root / "constraints"
        self.archive = root / "published"
        self.reports = root / "reports"
        self.channels.mkdir(parents=True)

    def channel(self, name: str = "2030", serial: int = 0, **kwargs):
        text = channel_text(name=name, pythons=PYTHONS, **kwargs).replace("serial = 0", f"serial = {serial}")
        path = self.channels / f"{name}.toml"
        path.write_text(text)
        return load_channel(path)

    def constraints_files(self, name: str, serial: int, pins: dict[str, str] = PINS, made: str = "2026-01-05",
                          note: str = "") -> None:
        """What make resolve writes, in miniature: merged, hashed and per-Python files."""

        def header(file: str) -> str:
            return (f"#\n# {file}: Flask LTS {name} constraints{note}\n"
                    f"# from channels/{name}.toml (serial {name}.{serial}), resolved with pip-tools\n"
                    f"# Made on {made}.\n#\n\n")

        plain = "".join(f"{n}=={v}\n" for n, v in sorted(pins.items()))
        hashed = "".join(
            f"{n}=={v} \\\n    --hash=sha256:{hashlib.sha256(f'{n}{v}'.encode()).hexdigest()}\n" for n, v in sorted(pins.items())
        )
        files = {
            self.constraints / f"flask-lts-{name}.txt": plain,
            self.constraints / f"flask-lts-{name}-hashes.txt": hashed,
        }
        for python in PYTHONS:
            files[self.constraints / name / f"py{python}.txt"] = plain
            files[self.constraints / name / f"py{python}-hashes.txt"] = hashed
        for path, body in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(header(path.name) + body)

    def publish(self, name: str = "2030"):
        return archive_serial(load_channel(self.channels / f"{name}.toml"), self.constraints, self.archive)

    def site(self, out: Path | None = None, today: _dt.date = TODAY, advisories: list[Path] | None = None) -> dict[str, bytes]:
        out = out or self.root / "site"
        build_site(out, channels_dir=self.channels, constraints_dir=self.constraints, archive_dir=self.archive,
                   reports_dir=self.reports, advisory_dirs=advisories or [], today=today, base_url=BASE)
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path)
    repo.channel("2030")
    repo.constraints_files("2030", 0)
    return repo


def bump(repo: Repo, name: str, serial: int, pins: dict[str, str], made: str) -> None:
    """What make refresh does: new pins, serial + 1, a changelog entry."""
    repo.channel(name, serial=serial)
    repo.constraints_files(name, serial, pins, made=made)
    (repo.constraints / name / "CHANGES.md").write_text(
        f"# Changes of the Flask LTS {name} channel\n\n## {name}.{serial} ({made})\n\n- flask 3.0.3 -> {pins['flask']}\n"
    )


# -- publishing --------------------------------------------------------------------------


def test_publish_copies_the_serial_with_its_checksums(repo: Repo):
    outcome = repo.publish()
    assert outcome.state == "published"
    folder = repo.archive / "2030" / "2030.0"
    assert outcome.path == folder
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(["SHA256SUMS", "flask-lts-2030.txt", "flask-lts-2030-hashes.txt", "py3.11.txt",
                            "py3.11-hashes.txt", "py3.12.txt", "py3.12-hashes.txt"])
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    assert (folder / "flask-lts-2030.txt").read_bytes() == (repo.constraints / "flask-lts-2030.txt").read_bytes()
    assert repo.publish().state == "unchanged"


def test_publishing_a_changed_pin_under_a_published_serial_is_refused(repo: Repo):
    repo.publish()
    before = {p: p.read_bytes() for p in (repo.archive / "2030" / "2030.0").iterdir()}
    repo.constraints_files("2030", 0, {**PINS, "flask": "3.0.4"})
    with pytest.raises(ArchiveError, match=r"pins differ: flask 3\.0\.3 -> 3\.0\.4.*bump serial"):
        repo.publish()
    proc = _site_cli(repo, "publish-constraints", "--constraints-dir", str(repo.constraints), "--archive-dir", str(repo.archive))
    assert_one_line_error(proc, "flask-lts-2030.txt", "serial 2030.0 is published and never changes", "bump serial")
    assert {p: p.read_bytes() for p in (repo.archive / "2030" / "2030.0").iterdir()} == before


def test_a_header_only_change_is_refused_and_named_as_such(repo: Repo):
    repo.publish()
    repo.constraints_files("2030", 0, note=" (regenerated)")
    with pytest.raises(ArchiveError, match="only the header comments differ; the pins are the same"):
        repo.publish()


def test_a_new_file_under_a_published_serial_is_refused(repo: Repo):
    repo.publish()
    text = (repo.channels / "2030.toml").read_text().replace('supported = ["3.11", "3.12"]', 'supported = ["3.11", "3.12", "3.13"]')
    (repo.channels / "2030.toml").write_text(text)
    for name in ("py3.13.txt", "py3.13-hashes.txt"):
        (repo.constraints / "2030" / name).write_text((repo.constraints / "2030" / name.replace("3.13", "3.12")).read_text())
    with pytest.raises(ArchiveError, match="already published without this file"):
        repo.publish()


def test_constraints_made_for_another_serial_are_refused(repo: Repo):
    repo.channel("2030", serial=1)  # serial bumped by hand, constraints not remade
    with pytest.raises(ArchiveError, match=r"made for serial 2030\.0, but .* says serial 1 .*run make resolve"):
        repo.publish()


def test_serials_only_grow(repo: Repo):
    bump(repo, "2030", 1, {**PINS, "flask": "3.0.4"}, "2026-03-01")
    repo.publish()
    repo.channel("2030", serial=0)
    repo.constraints_files("2030", 0)
    with pytest.raises(ArchiveError, match=r"2030\.1 is already published, newer than 2030\.0"):
        repo.publish()


def test_check_mode_fails_for_an_unpublished_serial_and_writes_nothing(repo: Repo):
    proc = _site_cli(repo, "publish-constraints", "--check", "--constraints-dir", str(repo.constraints),
                     "--archive-dir", str(repo.archive))
    assert_one_line_error(proc, "serial 2030.0 is not published")
    assert not repo.archive.exists()
    repo.publish()
    proc = _site_cli(repo, "publish-constraints", "--check", "--constraints-dir", str(repo.constraints),
                     "--archive-dir", str(repo.archive))
    assert proc.returncode == 0, proc.stderr


def test_a_hand_edited_published_file_is_caught(repo: Repo):
    repo.publish()
    target = repo.archive / "2030" / "2030.0" / "py3.12.txt"
    target.write_text(target.read_text().replace("flask==3.0.3", "flask==3.0.4"))
    with pytest.raises(ArchiveError, match="does not match its SHA256SUMS; published files never change"):
        read_archive(repo.archive)
    with pytest.raises(ArchiveError, match="does not match its SHA256SUMS"):
        repo.site()


def test_the_site_is_not_built_from_an_unpublished_or_changed_serial(repo: Repo):
    with pytest.raises(ArchiveError, match="not published"):
        repo.site()
    repo.publish()
    repo.constraints_files("2030", 0, {**PINS, "click": "8.1.7"})
    with pytest.raises(ArchiveError, match="click 8.1.8 -> 8.1.7"):
        repo.site()


# -- the site's files ----------------------------------------------------------------------


def test_rebuilding_gives_identical_bytes_and_a_new_serial_moves_only_the_aliases(repo: Repo, tmp_path: Path):
    repo.publish()
    first = repo.site()
    assert repo.site() == first  # same inputs, same bytes
    assert repo.site(tmp_path / "elsewhere") == first
    assert first["2030/2030.0/flask-lts-2030.txt"] == (repo.constraints / "flask-lts-2030.txt").read_bytes()
    assert first["flask-lts-2030.txt"] == first["2030/2030.0/flask-lts-2030.txt"]
    assert first["2030/latest/SHA256SUMS"] == first["2030/2030.0/SHA256SUMS"]

    bump(repo, "2030", 1, {**PINS, "flask": "3.0.4"}, "2026-03-01")
    assert repo.publish().state == "published"
    second = repo.site()
    immutable = {p: b for p, b in first.items() if p.startswith("2030/2030.0/")}
    assert immutable and all(second[p] == b for p, b in immutable.items()), "a published file changed"
    added = sorted(set(second) - set(first))
    assert added == sorted(f"2030/2030.1/{p.split('/')[-1]}" for p in immutable)
    assert second["flask-lts-2030.txt"] == (repo.constraints / "flask-lts-2030.txt").read_bytes()
    assert b"flask==3.0.4" in second["flask-lts-2030.txt"]
    assert second["2030/latest/flask-lts-2030.txt"] == second["2030/2030.1/flask-lts-2030.txt"]
    changed = {p for p in first if first[p] != second[p]}
    pages = {"index.html", "2030/index.html", "api/channels.json", "api/endoflife.json"}
    aliases = {p for p in first if p.startswith("2030/latest/") or re.fullmatch(r"flask-lts-2030(-hashes)?\.txt", p)}
    assert changed <= pages | aliases, changed - pages - aliases
    assert {"flask-lts-2030.txt", "2030/latest/SHA256SUMS"} <= changed
    page = _text(second["2030/index.html"].decode())
    assert "2030.1 (2026-03-01) flask 3.0.3 -> 3.0.4" in page  # the changelog of serials
    assert "2030.1 (newest)" in page and "2030.0 flask-lts-2030-hashes.txt" in page


def test_the_today_mark_changes_only_what_shows_the_date(repo: Repo):
    repo.publish()
    a = repo.site(today=TODAY)
    b = repo.site(today=TODAY + _dt.timedelta(days=200))
    changed = {p for p in a if a[p] != b[p]}
    assert changed <= {"index.html", "2030/index.html", "timeline.svg", "api/channels.json"}, changed
    assert "timeline.svg" in changed


def test_out_folder_that_is_not_a_site_is_left_alone(repo: Repo):
    repo.publish()
    precious = repo.root / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(SiteError, match="not a built site"):
        repo.site(precious)
    assert (precious / "thesis.tex").read_text() == "years of work"


# -- the timeline ----------------------------------------------------------------------------


def test_timeline_has_one_linked_bar_row_per_channel_and_marks_today(repo: Repo):
    repo.channel("2032", dates=("2026-06-30", "2026-07-31", "2028-07-31", "2029-07-31"))
    repo.constraints_files("2032", 0)
    repo.publish("2030")
    repo.publish("2032")
    files = repo.site()
    svg = ET.fromstring(files["timeline.svg"])
    rows = svg.findall(f"{SVG}a")
    assert [r.get("data-channel") for r in rows] == ["2030", "2032"]  # oldest first
    assert [r.get("href") for r in rows] == ["2030/index.html", "2032/index.html"]
    for row in rows:
        phases = [rect.get("class") for rect in row.findall(f"{SVG}rect")]
        assert phases == ["phase phase-preview", "phase phase-bugfix", "phase phase-security"]
    # The bars run in date order, and today lies where its date says.
    years = {t.text: float(t.get("x")) for t in svg.findall(f"{SVG}text") if t.text and re.fullmatch(r"\d{4}", t.text)}
    today = svg.find(f"{SVG}line[@class='today']")
    assert years["2026"] < float(today.get("x1")) < years["2027"] + 40
    assert "today 2026-11-24" in [t.text for t in svg.findall(f"{SVG}text")]
    index = files["index.html"].decode()
    assert index.count('id="timeline"') == 1 and 'data-channel="2032"' in index


def test_end_of_life_channels_are_drawn_grey():
    from flask_lts_tools.site._timeline import timeline_svg

    channel = load_channels(ROOT / "channels")[0]
    gone = dataclasses.replace(channel, status="end-of-life")
    svg = ET.fromstring(timeline_svg([gone], TODAY))
    assert [r.get("class") for r in svg.iter(f"{SVG}rect") if r.get("class")] == ["phase phase-end-of-life"]


# -- the API files ----------------------------------------------------------------------------


def test_endoflife_json_has_the_cycle_fields(repo: Repo):
    bump(repo, "2030", 1, {**PINS, "flask": "3.0.4"}, "2026-03-01")
    repo.constraints_files("2030", 1, {**PINS, "flask": "3.0.4"}, made="2026-03-01")
    repo.publish()
    cycles = json.loads(repo.site()["api/endoflife.json"])
    assert cycles == [{
        "cycle": "2030",
        "releaseDate": "2024-07-31",
        "support": "2026-07-31",
        "eol": "2027-07-31",
        "latest": "2030.1",
        "latestReleaseDate": "2026-03-01",
        "lts": True,
        "link": BASE + "2030/",
    }]  # fmt: skip


def test_channels_json_points_at_files_that_exist_with_their_digests(repo: Repo):
    repo.publish()
    files = repo.site()
    data = json.loads(files["api/channels.json"])
    assert data["schema"] == "flask-lts-channels/1"
    (channel,) = data["channels"]
    assert channel["latest"]["version"] == "2030.0"
    assert channel["latest"]["constraints"]["url"] == BASE + "2030/2030.0/flask-lts-2030.txt"
    assert channel["installer"]["requirement"] == "flask-lts[login]~=2030.0"
    assert channel["pins"]["flask"] == {"3.11": "3.0.3", "3.12": "3.0.3"}
    assert channel["verification"] == {"3.11": {"status": "not verified"}, "3.12": {"status": "not verified"}}
    assert channel["audit"] is None
    for serial in channel["serials"]:
        for file in serial["files"]:
            assert file["url"] == BASE + file["path"]
            assert hashlib.sha256(files[file["path"]]).hexdigest() == file["sha256"]
    for ref in (channel["aliases"]["constraints"], *channel["latest"]["per_python"].values()):
        assert ref["path"] in files


# -- the pages -------------------------------------------------------------------------------


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.styles: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.refs.append((tag, name, value))
            if name == "style" or name.startswith("on"):
                self.styles.append(f"{tag} {name}")
        self.scripts += tag == "script"


def test_pages_load_nothing_from_elsewhere_and_need_no_script(repo: Repo):
    repo.publish()
    for path, data in repo.site().items():
        if not path.endswith(".html"):
            continue
        parser = _Refs()
        parser.feed(data.decode())
        assert parser.scripts == 0, path
        assert not parser.styles, f"{path}: inline style or handler {parser.styles} (the CSP blocks them)"
        for tag, _, value in parser.refs:
            if tag != "a":  # stylesheets, icons, images: from this site only
                assert not re.match(r"^[a-z]+:|^//", value), f"{path}: {tag} loads {value}"
        assert 'name="viewport"' in data.decode()
        assert "Content-Security-Policy" in data.decode()


def test_channel_page_shows_pins_verification_and_missing_advisories(repo: Repo):
    report = {
        "schema": 1, "set_name": "2030", "source": "constraints/flask-lts-2030.txt", "python": "3.12",
        "interpreter": "3.12.1", "started": "2026-11-20T10:00:00+00:00", "seconds": 30.0, "status": "fail",
        "stages": [
            {"name": "install", "status": "pass", "seconds": 12.0, "problems": [], "warnings": [], "details": {}},
            {"name": "imports", "status": "fail", "seconds": 3.0, "warnings": [], "details": {},
             "problems": [{"message": "cannot import name 'url_decode' from 'werkzeug.urls'", "package": "flask-login",
                           "module": "flask_login", "test": None}]},
        ],
    }  # fmt: skip
    (repo.reports / "2030").mkdir(parents=True)
    (repo.reports / "2030" / "py3.12.json").write_text(json.dumps(report))
    repo.publish()
    page = repo.site()["2030/index.html"].decode()
    text = _text(page)
    assert "flask-login 0.6 0.6.3" in text
    assert "2026-11-20" in text and "not verified" in text  # 3.12 has a report, 3.11 has none
    assert "fail 3 s 1 problem" in text
    assert "flask-login flask_login: cannot import name 'url_decode' from 'werkzeug.urls'" in text
    assert "No advisory database was available" in text
    assert "No refresh yet: 2030.0 is the channel's first serial." in text
    assert f"pip install -c {BASE}2030/2030.0/flask-lts-2030.txt flask flask-login" in text


def test_channel_page_lists_advisories_and_accepted_risks(tmp_path: Path):
    osv = ROOT / "tests" / "data" / "osv"
    repo = Repo(tmp_path)
    channel_file = repo.channels / "2024.toml"
    channel_file.write_text((osv / "channels" / "2024.toml").read_text())
    channel = load_channel(channel_file)
    source = (osv / "constraints" / "flask-lts-2024.txt").read_text()
    pins_text = "\n".join(l for l in source.splitlines() if not l.startswith("#"))
    header = f"#\n# flask-lts-2024.txt\n# from channels/2024.toml (serial {channel.version})\n# Made on 2025-01-10.\n#\n"
    for path in [repo.constraints / "flask-lts-2024.txt", repo.constraints / "flask-lts-2024-hashes.txt",
                 *(repo.constraints / "2024" / f"py{p}{s}.txt" for p in channel.pythons for s in ("", "-hashes"))]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + pins_text + "\n")
    archive_serial(channel, repo.constraints, repo.archive)
    files = repo.site(today=_dt.date(2025, 1, 15), advisories=[osv / "vulns"])
    page = _text(files["2024/index.html"].decode())
    assert "No advisory database" not in page
    assert "audited on 2025-01-15" in page
    for risk in channel.accepted_risks:
        assert risk.id in page
    # every finding shows its decision: the accepted one, the others none yet
    assert "accepted until 2025-03-31" in page and "none yet undecided" in page
    assert "CVE-2024-6221 (Flask-Cors): accepted, in force." in page
    audit = json.loads(files["api/channels.json"])["channels"][0]["audit"]
    assert audit["findings"], "the OSV test data has advisories for these pins"
    for finding in audit["findings"]:
        assert finding["id"] in page


# -- canaries ------------------------------------------------------------------------------------


def canary_site(tmp_path: Path, channel: str, reports: dict[str, dict]) -> str:
    """A channel's page, built with these canary reports (file name -> JSON) in its reports folder."""
    repo = Repo(tmp_path)
    repo.channel(channel)
    repo.constraints_files(channel, 0)
    repo.publish(channel)
    folder = repo.reports / "canaries" / channel
    folder.mkdir(parents=True)
    for name, data in reports.items():
        (folder / name).write_text(json.dumps(data))
    return _text(repo.site()[f"{channel}/index.html"].decode())


def real_canaries(channel: str, python: str = "3.12") -> dict:
    return json.loads((ROOT / "reports" / "canaries" / channel / f"py{python}.json").read_text())


def test_channel_page_shows_each_canary_of_the_report(tmp_path: Path):
    report = real_canaries("2026", "3.13")  # serial 2026.2 on its default Python
    shard = {**report, "canaries": report["canaries"][:2], "shard": {"index": 1, "count": 9, "of": []}}
    text = canary_site(tmp_path, "2026", {"py3.13.json": report, "py3.13.shard-1-of-9.json": shard})
    section = text.split(" Canaries The test suites", 1)[1].split(" Known advisories ", 1)[0]
    assert "Python 3.13 Serial 2026.2, run on 2026-11-30: 17 of 20 canaries pass, 2 broken, 1 not run." in section
    assert "Judged against the current constraints (constraints/flask-lts-2026.txt)." in section  # the refresh gate's baseline
    assert "apifairy 1.5.1 broken 29 1 " in section and "tests/test_apifairy.py::TestAPIFairy::test_basic_auth" in section
    assert "apiflask 3.1.2 pass 406 0 " in section
    assert "microblog-api git not run 0 0 0 s its source" in section
    assert "sqlalchemy-continuum 2.0.0 pass 866 0 " in section
    assert "flask-assets 2.1.0 broken 10 11 " in section
    assert section.count("Python 3.") == 1  # the shard report is not a table of its own
    assert "No canary report" not in text


def test_a_regressed_canary_names_its_culprit_pin(tmp_path: Path):
    # The measured run of docs/canaries.md: APIFairy under serial 2024.0, Flask-HTTPAuth 4.8.0 -> 4.8.1.
    report = real_canaries("2024")
    test = "tests/test_apifairy.py::TestAPIFairy::test_basic_auth"
    for canary in report["canaries"]:
        if canary["name"] == "apifairy":
            canary.update(status="fail", passed=29, failed=1, failing=[test], problems=[{"message": "assert 401 == 200", "test": test}])
    report.update(status="fail", serial="2024.0", baseline="the set as the package index stood on the release date 2024-07-31", verdicts=[{
        "canary": "apifairy", "regressed": [test], "broken": [], "spurious": [], "notes": [],
        "culprit": {"package": "flask-httpauth", "baseline": "4.8.0", "candidate": "4.8.1", "tests": [test], "steps": 7},
    }])  # fmt: skip
    text = canary_site(tmp_path, "2024", {"py3.12.json": report})
    assert "Serial 2024.0, run on 2026-11-30: 19 of 21 canaries pass, 1 regressed, 1 not run." in text
    assert "apifairy 1.5.1 regressed 29 1 " in text and f"s flask-httpauth 4.8.0 -> 4.8.1 {test}" in text


def test_a_channel_without_canary_reports_says_so(repo: Repo):
    repo.publish()
    text = _text(repo.site()["2030/index.html"].decode())
    assert "No canary report for channel 2030: the test suites of the projects that depend on it have not been run" in text


def test_an_unreadable_canary_report_is_shown_as_such(tmp_path: Path):
    text = canary_site(tmp_path, "2030", {"py3.12.json": {"schema": "something else"}})
    assert "Canaries" in text and "Python 3.12 unreadable report" in text


# -- the repository's own archive ----------------------------------------------------------------


def test_the_committed_archive_is_intact_and_holds_every_current_serial():
    archive = read_archive(ROOT / "published")
    for channel in load_channels(ROOT / "channels"):
        assert channel.name in archive, f"run make site and commit published/{channel.name}"
        archive_serial(channel, ROOT / "constraints", ROOT / "published", check=True)


def test_the_repository_site_builds(tmp_path: Path):
    files = site_files(channels_dir=ROOT / "channels", constraints_dir=ROOT / "constraints", archive_dir=ROOT / "published",
                       reports_dir=ROOT / "reports", advisory_dirs=[], today=TODAY, base_url=BASE)
    for channel in load_channels(ROOT / "channels"):
        assert f"{channel.name}/index.html" in files
        assert f"flask-lts-{channel.name}.txt" in files
        assert f"{channel.name}/{channel.version}/SHA256SUMS" in files


def test_the_repository_site_shows_2022_archived_and_the_upgrade_reports():
    files = site_files(channels_dir=ROOT / "channels", constraints_dir=ROOT / "constraints", archive_dir=ROOT / "published",
                       reports_dir=ROOT / "reports", advisory_dirs=[], today=TODAY, base_url=BASE)
    old = _text(files["2022/index.html"].decode())
    assert "Flask LTS 2022 end-of-life" in old and "Archived. Its support ended on 2025-07-31" in old
    assert "No Docker images are built for a channel past its end of life." in old
    assert "Moving on: what moving from 2022 to 2024 breaks" in old
    assert "Moving on" not in _text(files["2026/index.html"].decode())
    index = _text(files["index.html"].decode())
    assert "2022 end-of-life archived" in index
    for move in ("2022-to-2024", "2024-to-2026"):  # each move with the count of its committed report
        report = json.loads((ROOT / "reports" / "upgrade" / f"{move}.json").read_text())
        assert f"{move.replace('-to-', ' → ')} : {len(report['packages'])} packages" in index
    page = files["upgrade/2022-to-2024.html"].decode()
    assert 'href="../2022/index.html"' in page and 'id="pkg-werkzeug"' in page and 'id="app-babel"' in page
    assert "removed werkzeug.urls.url_quote" in page and "flask-lts scan src/ tests/ --from 2022 --to 2024" in _text(page)
    assert "<script" not in page


def _text(page: str) -> str:
    """What a reader sees of a page: tags dropped, entities decoded, white space folded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _site_cli(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    """The site commands as a maintainer runs them (python -m flask_lts_tools.site = flask-lts-tools)."""
    return subprocess.run(
        [sys.executable, "-m", "flask_lts_tools.site", "--channels-dir", str(repo.channels), *args],
        check=False, cwd=repo.root, capture_output=True, text=True, timeout=120, env=dict(os.environ, PYTHONPATH=str(SCRIPTS)),
    )  # fmt: skip


def test_channel_page_shows_holds_and_series_choices(tmp_path: Path):
    from test_admission import CHOICE, HOLD

    repo = Repo(tmp_path)
    repo.channel("2030", extra=HOLD + CHOICE)
    repo.constraints_files("2030", 0)
    repo.publish("2030")
    text = _text(repo.site()["2030/index.html"].decode())
    section = text.split(" Held releases ", 1)[1].split(" Known advisories ", 1)[0]
    assert "flask-login stays at 0.6.2; 0.6.3 is refused: it regresses some-app ( tests/test_a.py::test_login )." in section
    assert "Decided 2026-11-30; review 2027-02-28." in section
    assert "flask-login 0.6 rather than 0.5 (canaries: some-app). 0.5 is no longer maintained." in section
    assert "Users: some-app users: set LOGIN_DISABLED in tests" in section


def test_a_channel_without_holds_or_choices_says_so(repo: Repo):
    repo.publish()
    text = _text(repo.site()["2030/index.html"].decode())
    assert "None: no release of a frozen series was refused for its canaries." in text and "Series choices None recorded." in text
