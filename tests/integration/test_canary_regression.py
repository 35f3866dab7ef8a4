"""A patch release that changes behaviour is caught by a canary, bisected to its pin, and
held: the real case of the 2024 channel. APIFairy 1.5.1 (a library built on Flask-HTTPAuth)
runs its own sdist suite under two sets that differ in two pins, Flask-HTTPAuth 4.8.0 ->
4.8.1 (which changed behaviour) and blinker 1.8.1 -> 1.8.2 (which did not). Real venvs,
real installs from the package index, the real sdist; the hold goes through uv's resolver."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from flask_lts_tools.admission import admission_lines
from flask_lts_tools.canaries import bisect_pins, load_canaries, run_canary
from flask_lts_tools.canaries._verdict import write_pins
from flask_lts_tools.channel import load_channel
from flask_lts_tools.constraints import pins_for, read_pins
from flask_lts_tools.pythons import require_interpreters
from flask_lts_tools.resolve import _input_files
from flask_lts_tools.toolenv import uv_bin, uv_environ
from flask_lts_tools import index
from flask_lts_tools.verify import Options, PinnedSet
from flask_lts_tools.verify.stages.upstream.catalogue import load_catalogue

pytestmark = pytest.mark.integration
REGRESSED = "tests/test_apifairy.py::TestAPIFairy::test_basic_auth"


def test_a_behaviour_change_in_a_patch_release_is_caught_bisected_and_held(tmp_path: Path):
    channel = load_channel(ROOT / "channels" / "2024.toml")
    interpreter = require_interpreters(["3.12"])["3.12"]
    (canary,) = [c for c in load_canaries() if c.name == "apifairy"]
    pins = pins_for(read_pins(ROOT / "constraints" / "flask-lts-2024.txt"), "3.12")

    def moved(**versions: str) -> dict:
        return {**pins, **{name.replace("_", "-"): dataclasses.replace(pins[name.replace("_", "-")], version=v) for name, v in versions.items()}}

    baseline = moved(flask_httpauth="4.8.0", blinker="1.8.1")
    candidate = moved(flask_httpauth="4.8.1", blinker="1.8.2")
    options = Options(workdir=tmp_path / "work", sdist_cache=ROOT / ".cache" / "sdists", testtools_cache=ROOT / ".cache" / "testtools")
    catalogue = load_catalogue()
    log: list[str] = []

    # caught: the canary fails under the candidate ...
    path = write_pins(candidate, tmp_path / "candidate.txt", "candidate")
    result = run_canary(canary, "1.5.1", PinnedSet("candidate", path, read_pins(path), channel), interpreter, options, catalogue, log.append)
    assert result.status == "fail" and result.failing == [REGRESSED], result.problems
    assert result.passed >= 25
    # ... and passes under the baseline: regressed, not broken
    path = write_pins(baseline, tmp_path / "baseline.txt", "baseline")
    before = run_canary(canary, "1.5.1", PinnedSet("baseline", path, read_pins(path), channel), interpreter, options, catalogue, log.append)
    assert before.status == "pass" and before.failing == []

    # bisected: of the two pins that differ, the one that brings the failure back
    culprit = bisect_pins(canary, "1.5.1", [REGRESSED], baseline, candidate, channel, interpreter, options, catalogue, log.append)
    assert culprit is not None
    assert (culprit.package, culprit.baseline, culprit.candidate, culprit.tests) == ("flask-httpauth", "4.8.0", "4.8.1", [REGRESSED])

    # held: the channel file's [[held]] entry keeps the resolver off exactly 4.8.1
    (hold,) = [h for h in channel.held if h.package == "flask-httpauth"]
    assert (hold.held_at, hold.refused) == ("4.8.0", "4.8.1") and "apifairy" in hold.canaries
    lines = [a.line for a in admission_lines(dataclasses.replace(channel, status="supported"), "3.12")]
    assert "flask-httpauth!=4.8.1" in lines
    held_channel = dataclasses.replace(channel, status="supported", core={"flask": "3.0"}, extras={"httpauth": {"flask-httpauth": "4.8"}}, dependencies={})
    infile = _input_files(held_channel, "3.12", tmp_path, [a for a in admission_lines(held_channel, "3.12")])
    out = subprocess.run(
        [uv_bin(), "pip", "compile", "--quiet", "--no-header", "--python-version", "3.12", "--index-url", index.index_url(), infile.name],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, env=uv_environ(),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert "flask-httpauth==4.8.0" in out.stdout.splitlines()
