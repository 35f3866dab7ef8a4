"""The scan's channel table matches the published constraints, so that --from/--to
compare the versions the channels really pin."""

from __future__ import annotations

import json

from conftest import ROOT
from flask_lts_tools.constraints import pins_for, read_pins
from flask_lts_tools.channel import load_channels

import scan_helpers  # noqa: F401  (puts the installer on the path)
from flask_lts.scan import CHANNELS
from flask_lts.scan._versions import applies, release


def test_each_published_channel_row_is_its_pins_on_the_default_python():
    channels = load_channels(ROOT / "channels")
    assert {"2022", "2024", "2026"} <= {c.name for c in channels}  # the archived 2022 channel too
    for channel in channels:
        pins = pins_for(read_pins(ROOT / "constraints" / f"flask-lts-{channel.name}.txt"), channel.default_python)
        # A backport build (3.0.3+lts2024.1) has its release's API: the rules compare releases.
        expected = {name: str(pins[name].version).split("+")[0] for name in CHANNELS[channel.name] if name in pins}
        assert CHANNELS[channel.name] == expected, "new row for _versions.py: " + json.dumps(expected, sort_keys=True)


def test_every_row_names_the_same_packages():
    assert len({tuple(sorted(row)) for row in CHANNELS.values()}) == 1


def test_versions_order_by_release():
    assert release("3.0.0") == release("3.0") < release("3.0.1") < release("3.1.0rc1") <= release("3.1")
    assert applies("Flask-HTTPAuth", "4.8.1", {"flask-httpauth": "4.8.0"}, {"flask-httpauth": "4.8.1"})
    assert not applies("flask", "3.0.0", {}, {"flask": "3.1.3"})
