"""The installer package's metadata, made from a channel and its constraints (dist.py):
version (pre-release for a preview), Requires-Dist inside each series with markers where
the pin differs by Python, extras and `all`, Requires-Python, and the bundled data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from conftest import ROOT, channel_text
from flask_lts_tools._toml import tomllib
from flask_lts_tools.channel import load_channel
from flask_lts_tools.constraints import read_pins
from flask_lts_tools.dist import (
    DistError,
    channel_data,
    classifiers,
    installer_version,
    requirements,
    requires_python,
    source_tree as stage,
)

PINS = """\
# Channel t (serial t.0)
blinker==1.8.2
click==8.1.7 ; python_version < "3.10"
click==8.1.8 ; python_version >= "3.10"
colorama==0.4.6 ; sys_platform == "win32"
flask==3.0.3
flask-login==0.6.3
flask-restx==1.3.0 ; python_version < "3.9"
flask-restx==1.3.2 ; python_version >= "3.9"
itsdangerous==2.2.0
jinja2==3.1.4
markupsafe==2.1.5
werkzeug==3.0.3
greenlet==3.0.3 ; python_version < "3.12"
greenlet==3.1.1 ; python_version >= "3.12"
"""
EXCEPTION = """
[[exceptions]]
package = "greenlet"
series = "3.1"
python = ">=3.12"
reason = "greenlet 3.0 does not build on 3.12"
"""


def make_channel(tmp_path: Path, status: str = "supported", serial: int = 0, pins: str = PINS,
                 pythons: tuple[str, ...] = ("3.8", "3.9", "3.10", "3.11", "3.12")):  # fmt: skip
    text = channel_text(
        pythons=pythons,
        extras={"login": {"Flask-Login": "0.6"}, "restx": {"flask-restx": "1.3"}},
        dependencies={"greenlet": "3.0", "colorama": "0.4"},
        extra=EXCEPTION,
    )
    text = text.replace('status = "supported"', f'status = "{status}"').replace("serial = 0", f"serial = {serial}")
    channels = tmp_path / "channels"
    channels.mkdir(parents=True, exist_ok=True)
    (channels / "t.toml").write_text(text)
    constraints = tmp_path / "constraints"
    (constraints / "t").mkdir(parents=True, exist_ok=True)
    pins = pins.replace("(serial t.0)", f"(serial t.{serial})")
    (constraints / "flask-lts-t.txt").write_text(pins)
    (constraints / "flask-lts-t-hashes.txt").write_text(pins)
    for python in pythons:
        (constraints / "t" / f"py{python}.txt").write_text(pins)
    return load_channel(channels / "t.toml"), constraints


def test_version_names_the_channel_and_serial(tmp_path):
    channel, _ = make_channel(tmp_path, serial=3)
    assert installer_version(channel) == "t.3"
    real = load_channel(ROOT / "channels" / "2024.toml")
    assert installer_version(real) == f"2024.{real.serial}"
    assert Version(installer_version(real)) in Requirement("flask-lts~=2024.0").specifier


def test_preview_channel_is_a_prerelease_that_plain_pip_skips(tmp_path):
    real = load_channel(ROOT / "channels" / "2026.toml")
    preview = type(real)(**{**real.__dict__, "name": "2028", "status": "preview", "serial": 2})
    version = Version(installer_version(preview))
    assert str(version) == "2028.0a2" and version.is_prerelease
    # Among released versions, a plain requirement picks a released one (as pip does),
    # `--pre "flask-lts==2028.*"` picks the preview; the released channel will sort above it.
    assert list(SpecifierSet("").filter(["2026.0", str(version)])) == ["2026.0"]
    assert not SpecifierSet("~=2028.0").contains(version)
    assert SpecifierSet("==2028.*").contains(version, prereleases=True)
    assert version < Version("2028.0") and version > Version("2026.9")


def test_core_requirements_stay_in_series_at_least_the_pin(tmp_path):
    channel, constraints = make_channel(tmp_path)
    core, _ = requirements(channel, read_pins(constraints / "flask-lts-t.txt"))
    assert "flask>=3.0.3,==3.0.*" in core
    assert "werkzeug>=3.0.3,==3.0.*" in core
    # The pin differs by Python: one line per run of Pythons, exclusive markers.
    assert 'click>=8.1.7,==8.1.* ; python_version < "3.10"' in core
    assert 'click>=8.1.8,==8.1.* ; python_version >= "3.10"' in core
    names = [Requirement(line).name for line in core]
    assert sorted(set(names)) == sorted(["flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "click", "blinker"])
    for line in core:
        req = Requirement(line)
        assert not req.specifier.contains("3.1.0") or req.name != "flask"  # never the next series


def test_extras_and_all_use_the_same_form_and_channel_names(tmp_path):
    channel, constraints = make_channel(tmp_path)
    _, extras = requirements(channel, read_pins(constraints / "flask-lts-t.txt"))
    assert set(extras) == {"login", "restx", "all"}
    assert extras["login"] == ["Flask-Login>=0.6.3,==0.6.*"]
    assert extras["restx"] == [
        'flask-restx>=1.3.0,==1.3.* ; python_version < "3.9"',
        'flask-restx>=1.3.2,==1.3.* ; python_version >= "3.9"',
    ]
    assert extras["all"] == extras["login"] + extras["restx"]


def test_a_pin_outside_its_series_is_a_stale_constraints_error(tmp_path):
    channel, constraints = make_channel(tmp_path, pins=PINS.replace("flask==3.0.3", "flask==3.1.0"))
    with pytest.raises(DistError, match=r"flask==3.1.0 .*outside its series 3.0.*make resolve"):
        requirements(channel, read_pins(constraints / "flask-lts-t.txt"))


def test_a_channel_package_without_pin_is_an_error(tmp_path):
    channel, constraints = make_channel(tmp_path, pins=PINS.replace("flask-login==0.6.3\n", ""))
    with pytest.raises(DistError, match="flask-login .*no pin for Python 3.8"):
        requirements(channel, read_pins(constraints / "flask-lts-t.txt"))


def test_requires_python_is_the_claimed_range(tmp_path):
    channel, _ = make_channel(tmp_path)
    assert requires_python(channel) == ">=3.8,<3.13"
    real = load_channel(ROOT / "channels" / "2026.toml")
    spec = Requirement("x" + requires_python(real)).specifier
    assert all(spec.contains(f"{p}.0") for p in real.pythons)
    assert not any(spec.contains(f"{p}.0") for p in real.planned_pythons)


def test_classifiers_name_every_python_and_flask(tmp_path):
    channel, _ = make_channel(tmp_path)
    found = classifiers(channel)
    assert "Framework :: Flask" in found
    assert [c.rsplit(" ", 1)[1] for c in found if c.startswith("Programming Language :: Python :: 3.")] == list(channel.pythons)
    preview, _ = make_channel(tmp_path / "p", status="preview")
    assert "Development Status :: 4 - Beta" in classifiers(preview)


def test_channel_data_has_evaluated_pins_per_python_and_platform(tmp_path):
    channel, constraints = make_channel(tmp_path)
    data = channel_data(channel, read_pins(constraints / "flask-lts-t.txt"), {})
    assert data["pins"]["3.8"]["click"] == "8.1.7"
    assert data["pins"]["3.12"]["click"] == "8.1.8"
    assert "colorama" not in data["pins"]["3.12"]
    assert data["platform_pins"]["win32"]["3.12"] == {"colorama": "0.4.6"}
    assert data["series_by_python"] == {"greenlet": {"3.12": "3.1"}}
    assert data["core"][0] == "flask" and data["extras"]["login"] == ["flask-login"]
    json.dumps(data)  # plain JSON


def test_stage_writes_a_buildable_tree_with_the_channel_data(tmp_path):
    channel, constraints = make_channel(tmp_path)
    staged = stage(channel, constraints, ROOT / "installer", tmp_path / "tree")
    pyproject = tomllib.loads((staged.root / "pyproject.toml").read_text())
    project = pyproject["project"]
    assert project["name"] == "flask-lts" and project["version"] == "t.0"
    assert project["requires-python"] == ">=3.8,<3.13"
    assert project["dependencies"] == staged.core
    assert project["optional-dependencies"]["all"] == staged.extras["all"]
    assert project["license"] == "BSD-3-Clause"
    assert project["scripts"] == {"flask-lts": "flask_lts.__main__:main"}
    data = staged.root / "src" / "flask_lts" / "data"
    assert sorted(p.name for p in data.iterdir()) == sorted(
        ["channel.json", "flask-lts-t.txt", "flask-lts-t-hashes.txt", *(f"py{p}.txt" for p in channel.pythons)]
    )
    assert (data / "flask-lts-t.txt").read_bytes() == (constraints / "flask-lts-t.txt").read_bytes()
    readme = (staged.root / "README.md").read_text()
    assert "Flask LTS t" in readme and 'pip install "flask-lts~=t.0"' in readme
    assert not re.search(r"\$[a-z_{]", readme), "a template placeholder was left unfilled"
    assert (staged.root / "LICENSE").read_text().startswith("BSD 3-Clause License")
    assert not list(staged.root.rglob("__pycache__"))


def test_stage_refuses_constraints_made_for_another_serial(tmp_path):
    channel, constraints = make_channel(tmp_path, serial=1)
    (constraints / "flask-lts-t.txt").write_text(PINS)  # says serial t.0
    with pytest.raises(DistError, match="made for serial t.0.*at t.1"):
        stage(channel, constraints, ROOT / "installer", tmp_path / "tree")


def test_real_channels_give_valid_metadata():
    for path in sorted((ROOT / "channels").glob("*.toml")):
        channel = load_channel(path)
        core, extras = requirements(channel, read_pins(ROOT / "constraints" / f"flask-lts-{channel.name}.txt"))
        assert set(extras) == {*channel.extras, "all"}
        for line in core + [line for lines in extras.values() for line in lines]:
            req = Requirement(line)
            series = [s for s in req.specifier if s.operator == "=="]
            assert len(series) == 1 and series[0].version.endswith(".*"), line
