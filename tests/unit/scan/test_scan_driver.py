"""The scan driver on bad input (files that do not parse, binary files, symbolic link
loops, unreadable files: reported and skipped, the scan goes on) and --fix's promises
(a rewritten file parses, a file whose fix would not parse is left untouched)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scan_helpers import selected
from flask_lts.scan import CHANNELS, scan, select_rules

RULES = select_rules(CHANNELS["2022"], CHANNELS["2026"])
GOOD = "from flask import Markup\n"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def reasons(report) -> dict:
    return {Path(p).name: r for p, r in report.skipped}


def test_bad_files_are_skipped_with_a_reason_and_the_scan_goes_on(tmp_path: Path):
    write(tmp_path / "good.py", GOOD)
    write(tmp_path / "py2.py", 'print "hello"\n')
    write(tmp_path / "broken.py", "def f(:\n")
    write(tmp_path / "blob.py", b"\x89PNG\r\n\x1a\n\0\0\0")
    write(tmp_path / "latin.py", b"x = '\xe9'\n")
    report = scan([str(tmp_path)], RULES)
    assert report.files == 1 and [f.line for f in report.findings] == [1]
    why = reasons(report)
    assert why["py2.py"].startswith("does not parse: line 1") and "Python 2" in why["py2.py"]
    assert why["broken.py"].startswith("does not parse")
    assert why["blob.py"].startswith("binary")
    assert why["latin.py"].startswith("not text")


def test_symlink_loops_and_dangling_links_do_not_hang_or_stop_the_scan(tmp_path: Path):
    write(tmp_path / "pkg" / "app.py", GOOD)
    os.symlink(tmp_path / "pkg", tmp_path / "pkg" / "again")  # a directory loop
    os.symlink(tmp_path / "self.py", tmp_path / "self.py")  # a link to itself
    os.symlink(tmp_path / "pkg" / "app.py", tmp_path / "alias.py")  # the same file twice
    report = scan([str(tmp_path), str(tmp_path / "pkg")], RULES)
    assert report.files == 1 and len(report.findings) == 1
    assert "symbolic link" in reasons(report)["self.py"]


def test_unreadable_things_are_reported(tmp_path: Path):
    """As root, chmod 000 does not stop a read; a FIFO and a directory named like a module
    are things every user meets and neither may block or stop the scan."""
    write(tmp_path / "good.py", GOOD)
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "dir.py").mkdir()
    locked = write(tmp_path / "locked.py", GOOD)
    locked.chmod(0)
    try:
        report = scan([str(tmp_path), str(tmp_path / "pipe.py"), str(tmp_path / "missing.py")], RULES)
    finally:
        locked.chmod(0o644)
    why = reasons(report)
    assert why["pipe.py"] == "not a regular file"
    assert why["dir.py"] == "a directory, not a file"
    assert why["missing.py"] == "no such file or directory"
    if os.geteuid() != 0:
        assert why["locked.py"].startswith("unreadable")
    assert report.files >= 1


def test_fix_rewrites_in_place_keeps_mode_and_reparses(tmp_path: Path):
    path = write(tmp_path / "app.py", "# -*- coding: utf-8 -*-\nfrom flask import Flask, Markup\r\nname = 'é'\n")
    path.chmod(0o640)
    report = scan([str(path)], RULES, fix=True)
    assert report.fixed == 1 and report.remaining == []
    text = path.read_bytes().decode()
    assert text == "# -*- coding: utf-8 -*-\nfrom flask import Flask\nfrom markupsafe import Markup\r\nname = 'é'\n"
    compile(text, "app.py", "exec")
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["app.py"]  # no temporary file left


def test_a_fix_that_would_not_parse_leaves_the_file_untouched(tmp_path: Path, monkeypatch):
    from flask_lts.scan import _rule

    path = write(tmp_path / "app.py", "from flask import Markup\n")
    monkeypatch.setattr(_rule, "_from_import", lambda module, names, indent, multiline: "from import (")
    report = scan([str(path)], selected("flask-markup-escape"), fix=True)
    assert path.read_text() == "from flask import Markup\n"
    assert report.fixed == 0 and len(report.remaining) == 1
    assert "would not parse" in reasons(report)["app.py"]


@pytest.mark.parametrize("old, new, expected", [("2022", "2024", True), ("2024", "2026", False), ("2026", "2026", False)])
def test_a_rule_applies_between_the_channels_its_release_lies_between(old, new, expected):
    ids = {s.rule.id for s in select_rules(CHANNELS[old], CHANNELS[new])}
    assert ("flask-before-first-request" in ids) is expected


def test_a_deprecation_before_the_removal_is_reported_as_one():
    chosen = {s.rule.id: s for s in select_rules({"werkzeug": "2.2.3"}, {"werkzeug": "2.3.8"})}
    assert chosen["werkzeug-urls"].kind == "deprecated" and chosen["werkzeug-urls"].version == "2.3.0"
    chosen = {s.rule.id: s for s in select_rules({"werkzeug": "2.2.3"}, {"werkzeug": "3.0.6"})}
    assert chosen["werkzeug-urls"].kind == "removed" and chosen["werkzeug-urls"].version == "3.0.0"
