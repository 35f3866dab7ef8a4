"""Failing tests of the channel's own packages' suites get verdicts, as canaries' do, on a real
break: Flask 3.1.3's own `test_bad_environ_raises_bad_request` passes with Werkzeug 3.1.7 and
fails with 3.1.8 and later, which answer a bad Host header with 404 (the incompatibility
channel 2026 accepts). Under a candidate that moves only Werkzeug, the refresh's judge runs
Flask's failing test with every other package at its current pin, bisects the moved pins to
Werkzeug and proposes the hold; a failure that follows a package's own new release is held on
that release. Real venvs, real installs from the package index, Flask's real sdist suite.
(Flask 3.0.3's CLI tests with click 8.2, this test's first case, are test-harness failures
since the failure classes: not breaks, so nothing to bisect.)"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conftest import ROOT
from flask_lts_tools.canaries._gate import judge_upstream
from flask_lts_tools.canaries._registry import Canary
from flask_lts_tools.canaries._run import run_canary
from flask_lts_tools.canaries._verdict import write_pins
from flask_lts_tools.channel import load_channel
from flask_lts_tools.constraints import pins_for, read_pins
from flask_lts_tools.pythons import require_interpreters
from flask_lts_tools.verify import Options, PinnedSet
from flask_lts_tools.verify.stages.upstream.catalogue import load_catalogue

pytestmark = pytest.mark.integration


def test_a_suite_failure_caused_by_another_pin_is_bisected_and_held(tmp_path: Path):
    channel = load_channel(ROOT / "channels" / "2026.toml")
    interpreter = require_interpreters(["3.12"])["3.12"]
    pins = pins_for(read_pins(ROOT / "constraints" / "flask-lts-2026.txt"), "3.12")
    assert pins["werkzeug"].version == "3.1.9" and pins["flask"].version == "3.1.3"
    candidate = write_pins(pins, tmp_path / "candidate.txt", "candidate")
    current = write_pins({**pins, "werkzeug": dataclasses.replace(pins["werkzeug"], version="3.1.7")}, tmp_path / "current.txt", "current")
    options = Options(workdir=tmp_path / "work", sdist_cache=ROOT / ".cache" / "sdists", testtools_cache=ROOT / ".cache" / "testtools")
    catalogue = load_catalogue()
    log: list[str] = []

    # what the upstream stage sees under the candidate: Flask's bad-Host test fails, a break
    suite = dataclasses.replace(catalogue.suites["flask"], run=("tests/test_reqctx.py",), subset="the request-context tests")
    flask = Canary("upstream-flask", "flask", {}, (), "", suite)
    before = run_canary(flask, "3.1.3", PinnedSet("candidate", candidate, read_pins(candidate), channel), interpreter, options, catalogue, log.append)
    assert before.status == "fail" and before.failing == ["tests/test_reqctx.py::test_bad_environ_raises_bad_request"], before.problems
    problems = [{"package": "flask", "test": t, "message": "failed"} for t in before.failing]

    holds, blocking = judge_upstream(
        problems, channel, candidate, current, interpreter, options, log.append, {"werkzeug": ("3.1.7", "3.1.9")},
    )  # fmt: skip
    assert blocking == [], blocking
    (hold,) = holds
    assert (hold.package, hold.held_at, hold.refused) == ("werkzeug", "3.1.7", "3.1.9")
    assert hold.canaries == ("flask (its own suite)",) and set(hold.tests) <= set(before.failing) and hold.tests
    assert "makes flask's own suite fail" in hold.reason

    # the same failure with Flask itself as the moved package: its own new release is held
    holds, blocking = judge_upstream(
        problems, channel, candidate, candidate, interpreter, options, log.append, {"flask": ("3.1.2", "3.1.3")},
    )  # fmt: skip
    assert blocking == [] and [(h.package, h.held_at, h.refused) for h in holds] == [("flask", "3.1.2", "3.1.3")]
