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


def test_verify_matrix_is_every_live_channel_times_its_pythons():
    """End-of-life channels are left out: they never change (their committed reports stand)."""
    data = yaml.safe_load((ROOT / ".github" / "workflows" / "verify.yml").read_text())
    matrix = {(e["channel"], e["python"]) for e in data["jobs"]["verify"]["strategy"]["matrix"]["include"]}
    channels = load_channels(ROOT / "channels")
    expected = {(c.name, p) for c in channels if c.status != "end-of-life" for p in c.pythons}
    assert matrix == expected
    assert any(c.status == "end-of-life" for c in channels) and not {c.name for c in channels if c.status == "end-of-life"} & {
        channel for channel, _ in matrix}


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


def test_canary_matrix_runs_every_shard_of_every_channel_with_canaries():
    from flask_lts_tools.canaries import load_canaries, select

    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / "verify.yml").read_text())["jobs"]
    entries = jobs["canaries"]["strategy"]["matrix"]["include"]
    channels = {c.name: c for c in load_channels(ROOT / "channels")}
    registry = load_canaries(ROOT / "channels" / "canaries" / "registry.toml")
    with_canaries = {name for name in channels if select(registry, name)}
    runs: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for e in entries:
        runs.setdefault((e["channel"], e["python"]), []).append((e["shard"], e["shards"]))
    assert {channel for channel, _ in runs} == with_canaries
    for (channel, python), shards in runs.items():
        assert python in channels[channel].pythons, (channel, python)
        counts = {n for _, n in shards}
        assert len(counts) == 1, f"{channel} py{python}: shards of different counts {counts}"
        (count,) = counts
        assert sorted(i for i, _ in shards) == list(range(1, count + 1)), f"{channel} py{python}: not every shard 1..{count} once"
    merge = jobs["canaries-merge"]
    assert "canaries" in ([merge["needs"]] if isinstance(merge["needs"], str) else merge["needs"])
    assert merge["if"] == "always()"  # a failing shard's report is merged and shown too
    assert {(e["channel"], e["python"]) for e in merge["strategy"]["matrix"]["include"]} == set(runs)
    steps = " ".join(str(s.get("run", "")) + str(s.get("with", "")) for s in merge["steps"])
    assert "make canaries-merge" in steps and "GITHUB_STEP_SUMMARY" in steps
    shard_steps = " ".join(str(s.get("run", "")) + str(s.get("with", "")) for s in jobs["canaries"]["steps"])
    assert "SHARD=${{ matrix.shard }}/${{ matrix.shards }}" in shard_steps
    # the artefact a shard uploads is the file canaries --shard writes, and what the merge downloads
    upload = next(s for s in jobs["canaries"]["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "reports/canaries/${{ matrix.channel }}/py${{ matrix.python }}.shard-${{ matrix.shard }}-of-${{ matrix.shards }}.json"
    download = next(s for s in merge["steps"] if "download-artifact" in s.get("uses", ""))
    assert download["with"]["pattern"].endswith("-shard-*")
    assert upload["with"]["name"].startswith(download["with"]["pattern"].removesuffix("*"))


def test_canary_job_commands_run_the_toolkit_for_one_shard_and_the_merge():
    proc = subprocess.run(
        ["make", "-n", "canaries", "CHANNEL=2024", "PYTHON=3.12", "SHARD=2/3", "PYTHON_TOOLKIT=python3"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    command = " ".join(proc.stdout.replace("\\\n", " ").split())  # the recipe's continued lines as one
    assert ".venv/bin/flask-lts-tools canaries --channel 2024 --python 3.12 --shard 2/3" in command
    merge = subprocess.run(
        ["make", "-n", "canaries-merge", "CHANNEL=2024", "PYTHON=3.12", "SHARDS=downloaded"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert ".venv/bin/flask-lts-tools canaries-merge --channel 2024 --python 3.12 downloaded" in [
        " ".join(line.split()) for line in merge.stdout.splitlines()
    ]
