"""GitHub Actions workflows cannot run here: validate them against the workflow
schema (check-jsonschema's vendored copy, offline) and check what they call."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from flask_lts_tools.channel import load_channels

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def check_jsonschema() -> str:
    exe = Path(sys.executable).parent / "check-jsonschema"
    return str(exe) if exe.exists() else (shutil.which("check-jsonschema") or pytest.fail("check-jsonschema is not installed (make venv)"))


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[w.name for w in WORKFLOWS])
def test_workflow_matches_the_github_schema(workflow: Path):
    proc = subprocess.run(
        [check_jsonschema(), "--builtin-schema", "vendor.github-workflows", str(workflow)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_verify_matrix_is_every_channel_times_its_pythons():
    data = yaml.safe_load((ROOT / ".github" / "workflows" / "verify.yml").read_text())
    matrix = {(e["channel"], e["python"]) for e in data["jobs"]["verify"]["strategy"]["matrix"]["include"]}
    expected = {(c.name, p) for c in load_channels(ROOT / "channels") for p in c.pythons}
    assert matrix == expected


def test_verify_job_command_runs_the_toolkit_for_one_shard():
    # `make -n` prints what the job's command would run, without running it.
    proc = subprocess.run(
        ["make", "-n", "verify", "CHANNEL=2024", "PYTHON=3.8", "PYTHON_TOOLKIT=python3"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    commands = [" ".join(line.split()) for line in proc.stdout.splitlines()]
    assert ".venv/bin/flask-lts-tools verify --channel 2024 --python 3.8" in commands
    merge = subprocess.run(
        ["make", "-n", "merge-reports", "REPORTS=downloaded/*/", "OUT=reports/summary.md"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert ".venv/bin/flask-lts-tools merge-reports downloaded/*/ -o reports/summary.md" in [
        " ".join(line.split()) for line in merge.stdout.splitlines()
    ]
