"""channels/upgrades/ against the scan rules: every curated breaking change names the
`flask-lts scan` rules that report it (`rules`, ids of the installer's registry, of the
entry's own package) or says why no rule can see it in code (`unscannable`). The entries
that leave a trace in code but have no rule yet are GAPS below, each a strict xfail: a rule
written for one makes its test pass, and the entry must then name it."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT
from flask_lts_tools._exceptions import UpgradeReportError
from flask_lts_tools.breaking_changes import load_changelog, load_changes

if str(ROOT / "installer" / "src") not in sys.path:
    sys.path.append(str(ROOT / "installer" / "src"))  # the scan is standard library only: read it in place
from flask_lts.scan import RULES  # noqa: E402

BY_ID = {rule.id: rule for rule in RULES}
CHANGES = load_changes(ROOT / "channels" / "upgrades")

# (package, version, the start of the entry's quote): changes a rule could find in code
# (a name, a keyword, a config key, a declaration) that no rule reports yet.
GAPS = {
}


def gap(log, entry):
    keys = [key for key in GAPS if key[:2] == (log.package, entry.version) and entry.quote.startswith(key[2])]
    return keys[0] if keys else None


def entry_params():
    for log in CHANGES.values():
        for i, entry in enumerate(log.entries):
            key = gap(log, entry)
            marks = [pytest.mark.xfail(strict=True, reason=f"no rule yet: {GAPS[key]}")] if key else []
            yield pytest.param(log, entry, id=f"{log.package}-{entry.version}-{i}", marks=marks)


@pytest.mark.parametrize("log,entry", list(entry_params()))
def test_entry_names_its_rules_or_why_none_can_see_it(log, entry):
    assert entry.rules or entry.unscannable, f"{log.path}: {entry.quote[:60]!r} has neither rules nor unscannable"
    for rule_id in entry.rules:
        assert rule_id in BY_ID, f"{log.path}: {rule_id!r} is not a rule of flask_lts.scan"
        # Every rule of the data is about the entry's own package: a change another
        # package's rules also see (Flask-SQLAlchemy 3.1 requiring SQLAlchemy 2.0) is
        # listed under that package's file, with its rules.
        assert BY_ID[rule_id].package == log.package, f"{log.path}: {rule_id} is a {BY_ID[rule_id].package} rule"


def test_every_gap_is_one_entry_without_coverage():
    for key in GAPS:
        matches = [e for log in CHANGES.values() for e in log.entries if gap(log, e) == key]
        assert len(matches) == 1, f"GAPS {key} matches {len(matches)} entries"
        assert not matches[0].rules and not matches[0].unscannable, f"{key} has coverage now: drop it from GAPS"


def test_every_curated_package_has_its_rules_cited():
    cited = {rule_id for log in CHANGES.values() for e in log.entries for rule_id in e.rules}
    # The rules of the curated packages that no entry cites: each a change whose
    # changelog entry is not curated (an older release, an undocumented move).
    uncited = sorted(r.id for r in RULES if r.package in CHANGES and r.id not in cited)
    assert set(uncited) <= UNCITED, f"cite these rules in channels/upgrades/ or list them here: {uncited}"


UNCITED = {
    "itsdangerous-jws",  # 2.1.0: before every channel's itsdangerous (2022 pins 2.1.2)
    # SQLAlchemy 2.0 changes that the 2.0 changelog (the file channels/upgrades/sqlalchemy.toml
    # quotes) has no line for: only the migration guide and the code say so.
    "sqlalchemy-declarative-imports",  # sqlalchemy.ext.declarative names warn MovedIn20Warning
    "sqlalchemy-query-get",  # Query.get() became legacy (LegacyAPIWarning)
    "sqlalchemy-type-module-paths",  # PostgreSQL types moved out of dialects.postgresql.base
}


@pytest.mark.parametrize(
    "add, message",
    [
        ('rules = ["flask-env"]\nunscannable = "x"', "give rules or unscannable, not both"),
        ("rules = []", "rules must be a non-empty list of distinct rule ids"),
        ('rules = "flask-env"', "rules must be a non-empty list of distinct rule ids"),
        ('rules = ["flask-env", "flask-env"]', "rules must be a non-empty list of distinct rule ids"),
        ('unscannable = " "', "unscannable must be a non-empty string"),
        ('covered = "yes"', "needs exactly the keys"),
    ],
)
def test_a_bad_coverage_key_is_one_line_naming_the_entry(tmp_path, add, message):
    path = tmp_path / "flask.toml"
    text = (ROOT / "channels" / "upgrades" / "flask.toml").read_text()
    path.write_text(text.replace('rules = ["flask-send-file-arguments"]', add, 1))
    with pytest.raises(UpgradeReportError) as info:
        load_changelog(path)
    error = str(info.value)
    assert error.startswith(str(path)) and "[[entries]][0]" in error and message in error and "\n" not in error
