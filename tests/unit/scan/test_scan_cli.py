"""`flask-lts scan` on the command line: exit codes 0 (nothing left), 1 (findings left)
and 2 (bad arguments), text and JSON output, --fix, and the summary line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from flask_lts_tools.dist import source_tree as stage
sys.path.insert(0, str(ROOT / "tests" / "unit"))
from test_installer_metadata import make_channel  # noqa: E402


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("installer")
    channel, constraints = make_channel(tmp, pythons=("3.8", "3.9", "3.10", "3.11", "3.12", "3.13"))
    return stage(channel, constraints, ROOT / "installer", tmp / "tree").root / "src"


def cli(tree: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME")}
    env["PYTHONPATH"] = str(tree)
    return subprocess.run([sys.executable, "-m", "flask_lts", "scan", *args], capture_output=True, text=True, timeout=120, env=env)


APP = """\
from flask import Flask, Markup
from werkzeug.urls import url_quote

app = Flask(__name__)
"""


def test_findings_left_exit_1_with_file_line_release_and_replacement(tree, tmp_path):
    (tmp_path / "app.py").write_text(APP)
    proc = cli(tree, str(tmp_path), "--from", "2022", "--to", "2024")
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout.splitlines()
    assert f"{tmp_path / 'app.py'}:2:27: werkzeug.urls.url_quote: removed in werkzeug 3.0.0; instead: urllib.parse.quote" in out[1]
    assert out[-1].startswith("scanned 1 files with ") and "2 findings, 0 fixed, 2 left (1 fixable)" in out[-1]


def test_fix_then_json_shows_what_is_left(tree, tmp_path):
    (tmp_path / "app.py").write_text(APP)
    proc = cli(tree, str(tmp_path), "--from", "2022", "--to", "2026", "--fix", "--format", "json")
    report = json.loads(proc.stdout)
    assert proc.returncode == 1 and report["fixed"] == 1 and report["remaining"] == 1
    assert [f["rule"] for f in report["findings"] if not f["fixed"]] == ["werkzeug-urls"]
    assert "from markupsafe import Markup" in (tmp_path / "app.py").read_text()


def test_nothing_to_report_exits_0(tree, tmp_path):
    (tmp_path / "app.py").write_text("from markupsafe import Markup\n")
    proc = cli(tree, str(tmp_path), "--from", "2024", "--to", "2026")
    assert proc.returncode == 0 and "0 findings" in proc.stdout


@pytest.mark.parametrize("args, needle", [(["--to", "1999"], "unknown channel '1999'"), ([], "the following arguments are required")])
def test_usage_errors_exit_2_in_one_line(tree, tmp_path, args, needle):
    proc = cli(tree, *([str(tmp_path), "--from", "2024"] if args else []), *args)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert needle in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def samples(dest: Path) -> dict[Path, str]:
    """Each rule test's BEFORE code, one file per rule: {file: rule id}."""
    import ast

    written = {}
    for test in sorted((ROOT / "tests" / "unit" / "scan").glob("test_scan_*.py")):
        constants = {
            node.targets[0].id: node.value.value for node in ast.parse(test.read_text()).body
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Constant)
        }  # fmt: skip
        if "BEFORE" in constants:
            path = dest / test.name.replace("test_scan_", "before_")
            path.write_text(constants["BEFORE"])
            written[path] = constants["RULE"]
    return written


@pytest.mark.parametrize("python", ["3.8", "3.13"])
def test_every_rule_runs_on_the_oldest_and_newest_python(tree, tmp_path, python):
    """The installer supports Python 3.8: the scan (and every rule) must run there, on
    the code of every rule's test, and find a use in each file."""
    from flask_lts_tools.pythons import find_interpreters

    found, _ = find_interpreters([python])
    if python not in found:
        pytest.skip(f"Python {python} is not available here")
    files = samples(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME")}
    env["PYTHONPATH"] = str(tree)
    proc = subprocess.run(
        [str(found[python].path), "-m", "flask_lts", "scan", "--from", "2022", "--to", "2026", "--format", "json", *map(str, files)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert len(files) > 50 and report["files"] == len(files) and report["skipped"] == []
    from scan_helpers import CHANNELS, select_rules

    applied = {s.rule.id for s in select_rules(CHANNELS["2022"], CHANNELS["2026"])}
    assert {Path(f["path"]).name for f in report["findings"]} == {p.name for p, rule in files.items() if rule in applied}
