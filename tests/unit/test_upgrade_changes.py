"""channels/upgrades/: every curated changelog entry, checked against the real changelog it
quotes (the sdist named in its file, from the package index), one test per entry."""

from __future__ import annotations

import functools
import tarfile
from pathlib import Path

import pytest

from conftest import ROOT
from flask_lts_tools import index
from flask_lts_tools._exceptions import UpgradeReportError
from flask_lts_tools.breaking_changes import changelog_section, load_changelog, load_changes, normalize_space

CHANGES = load_changes(ROOT / "channels" / "upgrades")
ENTRIES = [(log, i) for log in CHANGES.values() for i in range(len(log.entries))]


@functools.lru_cache(maxsize=None)
def changelog_text(package: str, release: str, file: str, cache: Path) -> str:
    """`file` from the sdist of `package` `release` on the package index."""
    entry = index.project(package).releases[release].sdist
    assert entry is not None, f"{package} {release} has no sdist"
    archive = index.download(entry, cache)
    with tarfile.open(archive) as tar:
        member = next((m for m in tar.getmembers() if m.name.split("/", 1)[-1] == file), None)
        assert member is not None, f"{archive.name} has no {file}"
        return tar.extractfile(member).read().decode("utf-8")


@pytest.fixture(scope="module")
def sdists(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("changelog-sdists")


def test_the_packages_users_remember_are_curated():
    assert {"flask", "werkzeug", "flask-sqlalchemy", "sqlalchemy", "click", "flask-limiter", "flask-babel"} <= set(CHANGES)
    flask = CHANGES["flask"]
    between = flask.between("2.1.3", "3.0.3")
    assert {e.version for e in between} == {"2.2.0", "2.3.0", "3.0.0"}
    assert not flask.between("3.0.3", "3.0.3") and not flask.between(None, "3.0.3")
    assert [e.version for e in between] == sorted(e.version for e in between)


@pytest.mark.parametrize("log,i", ENTRIES, ids=[f"{log.package}-{log.entries[i].version}-{i}" for log, i in ENTRIES])
def test_entry_quotes_its_changelog_under_its_version(log, i, sdists):
    entry = log.entries[i]
    assert entry.version in {str(v) for v in (r.version for r in index.project(log.package).releases.values())}
    section = changelog_section(changelog_text(log.package, log.release, log.file, sdists), entry.version)
    assert section is not None, f"{log.file} of {log.package} {log.release} has no heading for {entry.version}"
    assert normalize_space(entry.quote) in normalize_space(section), f"{log.path}: not under {entry.version}: {entry.quote}"


def test_changelog_section_reads_the_heading_styles_of_real_changelogs():
    text = "Version 3.0.0\n-------------\n\n- Remove old.\n\nVersion 2.3.0\n-------------\n- Deprecate.\n"
    assert changelog_section(text, "3.0.0").splitlines()[-1] == "- Remove old."
    assert changelog_section(text, "2.3.0").endswith("- Deprecate.")
    assert changelog_section("v3.0.0\n------\n- a\nv2.0.0\n- b\n", "3.0") == "v3.0.0\n------\n- a"
    assert "- c" in changelog_section(".. changelog::\n    :version: 2.0.0b1\n\n- c\n", "2.0.0b1")
    assert "- d" in changelog_section("0.8.0 - 2024-03-26\n----\n- d\n0.7.0 - 2024-03-18\n", "0.8.0")
    assert changelog_section(text, "9.9.9") is None


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda t: t.replace('kind = "removed"', 'kind = "gone"', 1), "kind 'gone' is not one of removed, deprecated, changed"),
        (lambda t: t.replace('version = "2.2.0"', 'version = "9.0.0"', 1), "version 9.0.0 is after the changelog read"),
        (lambda t: t.replace('package = "flask"', 'package = "werkzeug"'), "must match the file name"),
        (lambda t: t.replace("link = \"https://github.com/pallets/flask/pull/4667\"", 'link = "see the changelog"'), "must be an https:// URL"),
        (lambda t: t.replace("quote =", "quoted =", 1), "needs exactly the keys"),
    ],
)
def test_a_bad_file_is_one_line_naming_it(tmp_path, change, message):
    path = tmp_path / "flask.toml"
    path.write_text(change((ROOT / "channels" / "upgrades" / "flask.toml").read_text()))
    with pytest.raises(UpgradeReportError) as info:
        load_changelog(path)
    assert str(info.value).startswith(str(path)) and message in str(info.value) and "\n" not in str(info.value)
