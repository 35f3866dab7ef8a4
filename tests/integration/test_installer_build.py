"""`make dist`: the real build (pypa/build + hatchling from the index) of every channel's
installer: byte-identical on a rebuild, metadata as dist.py computes it, the channel's
data and constraints files inside, and `twine check --strict` clean (dist runs it)."""

from __future__ import annotations

import email.parser
import json
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT, run_tools
from flask_lts_tools.channel import load_channel
from flask_lts_tools.constraints import read_pins
from flask_lts_tools.dist import dist_filenames, installer_version, requirements, requires_python

pytestmark = pytest.mark.integration
CHANNELS = sorted(p.stem for p in (ROOT / "channels").glob("*.toml"))


def key(req: Requirement) -> tuple[str, str, str]:
    return canonicalize_name(req.name), str(req.specifier), str(req.marker)


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path]:
    """Every channel built twice, into two directories."""
    first, second = tmp_path_factory.mktemp("dist-1"), tmp_path_factory.mktemp("dist-2")
    for out in (first, second):
        proc = run_tools("dist", *CHANNELS, "--out-dir", str(out))
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return first, second


@pytest.mark.parametrize("name", CHANNELS)
def test_two_builds_are_byte_identical(builds, name):
    first, second = builds
    version = installer_version(load_channel(ROOT / "channels" / f"{name}.toml"))
    for filename in dist_filenames(version):
        assert (first / filename).read_bytes() == (second / filename).read_bytes(), filename


@pytest.mark.parametrize("name", CHANNELS)
def test_wheel_metadata_and_data(builds, name):
    channel = load_channel(ROOT / "channels" / f"{name}.toml")
    version = installer_version(channel)
    wheel = builds[0] / dist_filenames(version)[1]
    with zipfile.ZipFile(wheel) as archive:
        meta = email.parser.Parser().parsestr(archive.read(f"flask_lts-{version}.dist-info/METADATA").decode())
        names = set(archive.namelist())
        data = json.loads(archive.read("flask_lts/data/channel.json"))
        bundled = {n: archive.read(n) for n in names if n.startswith("flask_lts/data/") and n.endswith(".txt")}
        entry_points = archive.read(f"flask_lts-{version}.dist-info/entry_points.txt").decode()
    assert meta["Name"] == "flask-lts" and meta["Version"] == version
    assert Requirement("x" + meta["Requires-Python"]).specifier == Requirement("x" + requires_python(channel)).specifier
    assert meta["License-Expression"] == "BSD-3-Clause"
    assert "Framework :: Flask" in meta.get_all("Classifier")
    assert meta.get_content_type() == "text/markdown" or meta["Description-Content-Type"] == "text/markdown"
    assert f"Flask LTS {name}" in meta.get_payload()
    assert any(url.startswith("Source, ") for url in meta.get_all("Project-URL"))
    # Requires-Dist: what dist.requirements computed, the extras under their markers.
    core, extras = requirements(channel, read_pins(ROOT / "constraints" / f"flask-lts-{name}.txt"))
    declared = [Requirement(line) for line in meta.get_all("Requires-Dist")]
    assert sorted(meta.get_all("Provides-Extra")) == sorted(extras)
    unconditional = sorted(key(r) for r in declared if r.marker is None or "extra" not in str(r.marker))
    assert unconditional == sorted(key(Requirement(line)) for line in core)
    for extra, lines in extras.items():
        ours = [r for r in declared if r.marker is not None and f'extra == "{extra}"' in str(r.marker).replace("'", '"')]
        assert len(ours) == len(lines), extra
    # The data: channel facts and the constraints files, byte for byte.
    assert data["name"] == name and data["version"] == version and data["pythons"] == list(channel.pythons)
    expected = {
        f"flask_lts/data/flask-lts-{name}.txt": ROOT / "constraints" / f"flask-lts-{name}.txt",
        f"flask_lts/data/flask-lts-{name}-hashes.txt": ROOT / "constraints" / f"flask-lts-{name}-hashes.txt",
        **{f"flask_lts/data/py{p}.txt": ROOT / "constraints" / name / f"py{p}.txt" for p in channel.pythons},
    }
    assert set(bundled) == set(expected)
    for member, source in expected.items():
        assert bundled[member] == source.read_bytes(), member
    assert "flask-lts = flask_lts.__main__:main" in entry_points
    assert f"flask_lts-{version}.dist-info/licenses/LICENSE" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
