"""`flask-lts check` on fake channel data: drift (in and outside the series), versions
equal under PEP 440, unsupported Python, end of support, exit codes, --json."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from flask_lts_tools.dist import source_tree as stage
from test_installer_metadata import make_channel

sys.path.insert(0, str(ROOT / "installer" / "src"))
from flask_lts import _check  # noqa: E402
from flask_lts._data import load  # noqa: E402
from flask_lts.__main__ import main  # noqa: E402

TODAY = dt.date(2025, 1, 1)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    channel, constraints = make_channel(tmp_path, pythons=("3.8", "3.9", "3.10", "3.11", "3.12"))
    staged = stage(channel, constraints, ROOT / "installer", tmp_path / "tree")
    return staged.root / "src" / "flask_lts" / "data"


def edit(data_dir: Path, **changes) -> None:
    path = data_dir / "channel.json"
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def test_matching_set_is_clean(data_dir):
    report = _check.check(load(data_dir), {"flask": "3.0.3", "click": "8.1.8", "packaging": "24.1"}, "3.12", "linux", TODAY)
    assert report.exit_code == _check.CLEAN
    assert report.drift == [] and report.outside == ["packaging"]
    assert sorted(report.matching) == ["click", "flask"]


def test_drift_says_in_or_out_of_series_and_newer_or_older(data_dir):
    installed = {"flask": "3.0.4", "werkzeug": "3.1.0", "click": "8.1.7", "flask-lts": "t.0", "pip": "24.0"}
    report = _check.check(load(data_dir), installed, "3.12", "linux", TODAY)
    assert report.exit_code == _check.DRIFT
    found = {d.name: d.as_dict() for d in report.drift}
    assert found["flask"] == {"package": "flask", "installed": "3.0.4", "pinned": "3.0.3", "series": "3.0", "in_series": True, "newer": True}
    assert found["werkzeug"]["in_series"] is False
    assert found["click"]["newer"] is False and found["click"]["pinned"] == "8.1.8"
    assert report.outside == []  # installation tools and flask-lts itself are not "outside"


def test_pins_and_series_follow_the_python(data_dir):
    channel = load(data_dir)
    assert _check.check(channel, {"click": "8.1.7"}, "3.8", "linux", TODAY).exit_code == _check.CLEAN
    report = _check.check(channel, {"greenlet": "3.1.1"}, "3.12", "linux", TODAY)
    assert report.exit_code == _check.CLEAN
    drift = _check.check(channel, {"greenlet": "3.1.1"}, "3.11", "linux", TODAY).drift[0]
    assert (drift.series, drift.in_series) == ("3.0", False)


def test_platform_only_pins_apply_on_their_platform(data_dir):
    channel = load(data_dir)
    assert _check.check(channel, {"colorama": "0.4.5"}, "3.12", "win32", TODAY).exit_code == _check.DRIFT
    assert _check.check(channel, {"colorama": "0.4.5"}, "3.12", "linux", TODAY).outside == ["colorama"]


def test_equal_versions_written_differently_are_not_drift(data_dir):
    assert _check.check(load(data_dir), {"flask": "3.0.3.0"}, "3.12", "linux", TODAY).exit_code == _check.CLEAN


def test_unsupported_python_and_end_of_support_add_their_bits(data_dir):
    channel = load(data_dir)
    report = _check.check(channel, {"flask": "3.0.2"}, "3.14", "linux", dt.date(2031, 1, 1))
    assert report.compared_python == "3.12"  # the nearest claimed Python's pins
    assert report.exit_code == _check.DRIFT | _check.PYTHON_UNSUPPORTED | _check.END_OF_SUPPORT == 13
    data = report.as_dict()
    assert data["python_supported"] is False and data["end_of_support"] is True and data["days_left"] < 0
    assert data["status"] == "end-of-life" and data["clean"] is False
    text = _check.render(report)
    assert "not supported" in text and "end of support" in text and "exit code 13" in text


def test_status_follows_the_dates(data_dir):
    channel = load(data_dir)  # released 2024-07-31, bug fixes to 2026-07-31, security to 2027-07-31
    assert channel.status_on(dt.date(2024, 7, 1)) == "preview"
    assert channel.status_on(dt.date(2025, 1, 1)) == "supported"
    assert channel.status_on(dt.date(2027, 1, 1)) == "security-only"
    assert channel.status_on(dt.date(2027, 8, 1)) == "end-of-life"


def test_check_json_from_the_command_line(data_dir, capsys):
    """The real environment: pins set to what is installed (clean), then click moved (drift)."""
    here = "%d.%d" % sys.version_info[:2]
    click = importlib.metadata.version("click")
    installed = _check.installed_distributions()
    data = json.loads((data_dir / "channel.json").read_text())
    pins = data["pins"]
    pins[here] = {name: installed.get(name, version) for name, version in pins["3.12"].items()}
    pins[here]["click"] = click
    series = {name: ".".join(version.split(".")[:2]) for name, version in pins[here].items()}
    edit(data_dir, pins=pins, pythons=sorted({*data["pythons"], here}, key=lambda v: tuple(map(int, v.split(".")))),
         security_until="2099-01-01", series=series, series_by_python={})  # fmt: skip
    assert main(["check", "--json"], data_dir=str(data_dir)) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["clean"] is True and report["drift"] == [] and report["matching"] >= 1

    pins[here]["click"] = "1.0"
    edit(data_dir, pins=pins)
    assert main(["check", "--json"], data_dir=str(data_dir)) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["exit_code"] == 1
    assert report["drift"] == [{"package": "click", "installed": click, "pinned": "1.0",
                                "series": series["click"], "in_series": True, "newer": True}]  # fmt: skip
