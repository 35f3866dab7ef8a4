"""docs/scan.md lists every rule, with its package, releases, kind and whether it fixes,
and every rule has its own test file."""

from __future__ import annotations

from conftest import ROOT
from scan_helpers import RULES


def test_the_rule_table_is_the_rules():
    rows = {}
    for line in (ROOT / "docs" / "scan.md").read_text().split("## Rules", 1)[1].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells[1:6]
    expected = {r.id: [r.package, r.deprecated or "-", r.since, r.kind, "yes" if r.fixable else "no"] for r in RULES}
    assert rows == expected


def test_every_rule_module_has_its_test_file():
    rules = {p.stem for p in (ROOT / "installer" / "src" / "flask_lts" / "scan" / "_rules").glob("*.py")} - {"__init__"}
    tests = {p.stem.replace("test_scan_", "") for p in (ROOT / "tests" / "unit" / "scan").glob("test_scan_*.py")}
    assert rules - tests == set()
    assert len(RULES) == len(rules)
