"""canaries-propose: which index projects are worth a look, and what their sdists say (real
sdists from the package index)."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT
from flask_lts_tools.canaries import load_canaries
from flask_lts_tools.canaries._propose import Candidate, dependables, inspect, select_candidates
from flask_lts_tools.channel import load_channel


def test_select_skips_the_channel_the_registry_and_rejections_and_orders_by_rank():
    channel = load_channel(ROOT / "channels" / "2024.toml")
    names = ["Flask", "Flask-Login", "apifairy", "flask-restful", "Flask_Threads", "flask-basicauth", "requests", "WTForms-JSON"]
    chosen = select_candidates(channel, load_canaries(), names, {"flask-restful"}, {"flask-basicauth": 6492, "flask-threads": 6001}, ["apistar"])
    assert [c.name for c in chosen] == ["flask-threads", "flask-basicauth", "apistar", "wtforms-json"]
    assert "flask-login" in dependables(channel) and "sqlalchemy" not in dependables(channel)


def test_inspect_reads_requirements_and_tests_from_the_sdist(tmp_path: Path):
    channel = load_channel(ROOT / "channels" / "2024.toml")
    found = inspect(Candidate("flask-basicauth"), channel, ROOT / ".cache" / "sdists")
    # an old sdist: PKG-INFO lists no requirements, egg-info's requires.txt does
    assert found.version == "0.2.0" and found.depends_on == ["flask"] and found.tests == ["test_basicauth.py"]
    assert found.verdict.startswith("candidate")
    missing = inspect(Candidate("flask-lts-no-such-project-xyz"), channel, tmp_path)
    assert missing.verdict.startswith("not on the index")
