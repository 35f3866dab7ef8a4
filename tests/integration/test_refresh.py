"""Refresh against a real local package index (pypiserver on 127.0.0.1): a new patch
release inside a series is picked up, re-verified and published with a serial bump;
a broken candidate is refused and nothing is written."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, channel_text, local_pypiserver, run_tools

pytestmark = pytest.mark.integration

WHEELS = ["flask==3.0.3", "werkzeug==3.0.6", "jinja2==3.1.4", "markupsafe==2.1.5", "itsdangerous==2.2.0",
          "click==8.1.7", "blinker==1.8.1", "blinker==1.8.2", "flask-login==0.6.3"]  # fmt: skip


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory) -> Path:
    """Real wheels of a small Flask set for Python 3.11, from the package index."""
    directory = tmp_path_factory.mktemp("wheelhouse")
    for requirement in WHEELS:
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "--python-version", "3.11",
             "-d", str(directory), requirement],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    return directory


@pytest.fixture
def local_index(tmp_path: Path, wheelhouse: Path):
    """pypiserver on 127.0.0.1 serving a folder; yields (folder, environment for the toolkit)."""
    packages = tmp_path / "index"
    packages.mkdir()
    with local_pypiserver(packages, tmp_path / "pypiserver.log", "--backend", "simple-dir") as url:
        env = {
            "PIP_CONFIG_FILE": os.devnull,  # only the local index: no extra indexes, no find-links
            "PIP_INDEX_URL": f"{url}simple/",
            "FLASK_LTS_JSON_API": url.rstrip("/"),
        }
        yield packages, env


def publish(wheelhouse: Path, index_dir: Path, name: str) -> None:
    (index_dir / name).write_bytes((wheelhouse / name).read_bytes())


def broken_patch_release(source: Path, target_dir: Path, new_version: str) -> Path:
    """A copy of a real wheel re-versioned as the next patch, whose import fails."""
    name, version = source.name.split("-")[:2]
    out = target_dir / source.name.replace(version, new_version)
    record_rows = []
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            path = item.filename.replace(f"{name}-{version}.dist-info", f"{name}-{new_version}.dist-info")
            if path.endswith("/RECORD"):
                record_path = path
                continue
            data = src.read(item)
            if path.endswith("METADATA"):
                data = data.replace(f"Version: {version}".encode(), f"Version: {new_version}".encode())
            if path == f"{name}/__init__.py":
                data = data + b'\nraise ImportError("deliberately broken patch release")\n'
            dst.writestr(path, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record_rows.append(f"{path},sha256={digest},{len(data)}")
        record_rows.append(f"{record_path},,")
        dst.writestr(record_path, "\n".join(record_rows) + "\n")
    return out


def snapshot(*dirs: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for d in dirs for p in sorted(d.rglob("*")) if p.is_file()}


def test_refresh_picks_up_a_patch_release_and_refuses_a_broken_one(tmp_path, wheelhouse, local_index):
    index_dir, env = local_index
    for wheel in wheelhouse.glob("*.whl"):
        if "blinker-1.8.2" not in wheel.name:
            publish(wheelhouse, index_dir, wheel.name)
    channels = tmp_path / "channels"
    channels.mkdir()
    (channels / "t.toml").write_text(channel_text(name="t", pythons=("3.11",)))
    constraints = tmp_path / "constraints"
    common = ["--channels-dir", str(channels), "--tools-dir", str(ROOT / ".cache" / "tools")]
    dirs = ["--constraints-dir", str(constraints), "--reports-dir", str(tmp_path / "reports"), "--work-dir", str(tmp_path / "work"),
            "--api-cache", str(tmp_path / "api-diff")]  # the made-up itsdangerous 2.2.1 stays out of the shared cache
    refresh = [*common, "refresh", "t", "--no-universal", "--no-advisories", "--stages", "install,pip-check,imports", *dirs]

    first = run_tools(*common, "resolve", "t", "--no-universal", "--out-dir", str(constraints), env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "blinker==1.8.1" in (constraints / "flask-lts-t.txt").read_text()

    nothing = run_tools(*refresh, "--dry-run", env=env)
    assert nothing.returncode == 0, nothing.stderr[-3000:]
    assert "nothing to refresh" in nothing.stdout

    # Blinker 1.8.2 is published: a patch release inside the frozen 1.8 series.
    publish(wheelhouse, index_dir, next(p.name for p in wheelhouse.glob("blinker-1.8.2*")))
    before = snapshot(channels, constraints)
    dry = run_tools(*refresh, "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr[-3000:]
    assert "| blinker" in dry.stdout and "1.8.1 -> 1.8.2" in dry.stdout
    assert snapshot(channels, constraints) == before, "a dry run wrote files"

    applied = run_tools(*refresh, env=env)
    assert applied.returncode == 0, applied.stderr[-3000:]
    text = (constraints / "flask-lts-t.txt").read_text()
    assert "blinker==1.8.2" in text and "serial t.1" in text
    assert "serial = 1" in (channels / "t.toml").read_text()
    changes = (constraints / "t" / "CHANGES.md").read_text()
    assert "## t.1 (" in changes and "- blinker 1.8.1 -> 1.8.2" in changes

    # A broken patch release of itsdangerous: verification fails, nothing is written.
    broken_patch_release(next(wheelhouse.glob("itsdangerous-2.2.0*")), index_dir, "2.2.1")
    before = snapshot(channels, constraints)
    refused = run_tools(*refresh, env=env)
    assert refused.returncode != 0
    assert "Traceback" not in refused.stderr
    assert "itsdangerous 2.2.0 -> 2.2.1 broke" in refused.stderr and "deliberately broken" in refused.stderr
    assert "nothing was written" in refused.stderr
    assert snapshot(channels, constraints) == before
