"""The series check's choice of suspects: only packages pinned differently, what the canary
depends on (nearest first), those the failure names before the rest; and the closure read
from a real environment."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import channel_text
from flask_lts_tools.canaries._series import closure, suspects, with_older_series
from flask_lts_tools.channel import load_channel
from flask_lts_tools.constraints import Pin


def _pins(**versions: str) -> dict:
    return {name.replace("_", "-"): Pin(name.replace("_", "-"), v) for name, v in versions.items()}


def test_suspects_are_the_differing_pins_the_canary_depends_on_named_first(write_channel, tmp_path: Path):
    old = load_channel(write_channel(channel_text(name="old", extras={"login": {"flask-login": "0.6"}, "wtf": {"flask-wtf": "1.1"}}), name="old"))
    new_core = {"flask": "3.1", "werkzeug": "3.1", "jinja2": "3.1", "markupsafe": "3.0", "itsdangerous": "2.2", "click": "8.1", "blinker": "1.9"}
    new = load_channel(write_channel(channel_text(name="new", core=new_core, extras={"login": {"flask-login": "0.6"}, "wtf": {"flask-wtf": "1.2"}}), name="new"))
    mine = _pins(flask="3.1.2", werkzeug="3.1.3", jinja2="3.1.6", markupsafe="3.0.2", itsdangerous="2.2.0", click="8.1.8", blinker="1.9.0", flask_login="0.6.3", flask_wtf="1.2.2")
    theirs = _pins(flask="3.0.3", werkzeug="3.0.6", jinja2="3.1.4", markupsafe="2.1.5", itsdangerous="2.2.0", click="8.1.7", blinker="1.8.2", flask_login="0.6.3", flask_wtf="1.1.2")
    every = suspects(new, old, mine, theirs, "3.11", "")
    # a differing series goes back to the other series, a differing release inside one series to that release
    assert dict(every) == {"blinker": "1.8", "click": "8.1.7", "flask": "3.0", "flask-wtf": "1.1", "jinja2": "3.1.4", "markupsafe": "2.1", "werkzeug": "3.0"}
    text = "E   ImportError: cannot import name 'escape' from 'markupsafe'"
    depth = {"some-canary": 0, "flask-wtf": 1, "flask": 1, "werkzeug": 2, "markupsafe": 2, "jinja2": 2}
    ordered = suspects(new, old, mine, theirs, "3.11", text, depth)
    assert [n for n, _ in ordered] == ["markupsafe", "flask", "flask-wtf", "jinja2", "werkzeug"]  # named; then nearest (click, blinker: not depended on)
    variant = with_older_series(new, "markupsafe", "2.1")
    assert variant.allowed_series("markupsafe", "3.11") == "2.1" and new.allowed_series("markupsafe", "3.11") == "3.0"


def test_closure_reads_a_real_environment():
    """The toolkit's own interpreter: pytest depends on pluggy directly and on nothing that is not installed."""
    depth = closure(Path(sys.executable), "pytest")
    assert depth is not None and depth["pytest"] == 0 and depth["pluggy"] == 1
    assert closure(Path(sys.executable), "no-such-distribution-here") == {"no-such-distribution-here": 0}
