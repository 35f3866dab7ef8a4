"""End to end against a real local package index (pypiserver on 127.0.0.1): the 2024 and
2026 installers (and a preview 2028) built by `make dist` and uploaded by `make publish`'s
command, then installed with real pip into fresh virtual environments, with Flask and the
extensions from the real index, following the documented user flow (docs/installer.md)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, installable_constraints, installed_versions, local_pypiserver, run_tools
from flask_lts_tools.channel import in_series, load_channel
from flask_lts_tools.constraints import pins_for, read_pins
from flask_lts_tools.dist import dist_filenames, installer_version
from flask_lts_tools._exceptions import PublishError
from flask_lts_tools.pythons import require_interpreters

pytestmark = pytest.mark.integration
SECRET = "s3cret-never-printed"
TWINE_ENV = {"TWINE_USERNAME": "flask-lts-ci", "TWINE_PASSWORD": SECRET}


@dataclass
class Index:
    url: str  # upload endpoint
    simple: str
    dist: Path
    packages: Path
    channels: Path
    constraints: Path  # what the 2024 and 2026 installers bundle (the committed files, installable here)


def preview_channel(tmp: Path) -> tuple[Path, Path]:
    """A copy of 2026 as a preview channel 2028 (channel file and constraints), for pre-release tests."""
    channels, constraints = tmp / "channels", tmp / "constraints"
    channels.mkdir()
    for path in (ROOT / "channels").glob("*.toml"):
        shutil.copy(path, channels / path.name)
    text = (ROOT / "channels" / "2026.toml").read_text()
    text = re.sub(r"(?m)^serial = \d+", "serial = 0", text)  # a preview's first serial
    (channels / "2028.toml").write_text(text.replace('name = "2026"', 'name = "2028"').replace('status = "supported"', 'status = "preview"'))
    (constraints / "2028").mkdir(parents=True)
    sources = {
        constraints / "flask-lts-2028.txt": ROOT / "constraints" / "flask-lts-2026.txt",
        constraints / "flask-lts-2028-hashes.txt": ROOT / "constraints" / "flask-lts-2026-hashes.txt",
        **{constraints / "2028" / p.name: p for p in (ROOT / "constraints" / "2026").glob("*.txt")},
    }
    for target, source in sources.items():
        target.write_text(re.sub(r"\(serial 2026\.\d+\)", "(serial 2028.0)", source.read_text()))
    return channels, constraints


def publish(index: Index, channel: str, dist: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = run_tools(
        "--channels-dir", str(index.channels), "publish", channel,
        "--repository-url", index.url, "--dist-dir", str(dist or index.dist), env=TWINE_ENV,
    )  # fmt: skip
    assert SECRET not in proc.stdout + proc.stderr
    return proc


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("index")
    channels, constraints = preview_channel(tmp)
    dist = tmp / "dist"
    # A serial that pins the channel's builds names the channel's index on the site, which this
    # machine may not reach: the installers bundle a copy naming that index served here.
    with installable_constraints(tmp / "committed") as committed:
        built = run_tools("dist", "2024", "2026", "--constraints-dir", str(committed), "--out-dir", str(dist))
        assert built.returncode == 0, built.stdout + built.stderr
        built = run_tools("--channels-dir", str(channels), "dist", "2028", "--constraints-dir", str(constraints), "--out-dir", str(dist))
        assert built.returncode == 0, built.stdout + built.stderr
        packages = tmp / "packages"
        packages.mkdir()
        with local_pypiserver(packages, tmp / "pypiserver.log", "--disable-fallback") as url:
            index = Index(url, url + "simple/", dist, packages, channels, committed)
            for channel in ("2024", "2026", "2028"):
                proc = publish(index, channel)
                assert proc.returncode == 0, proc.stdout + proc.stderr
                assert "uploaded 2, already there 0" in proc.stdout
            yield index


class Venv:
    """A fresh virtual environment on a real interpreter, run without any of the test's own variables."""

    def __init__(self, path: Path, python: str) -> None:
        interpreter = require_interpreters([python])[python]
        subprocess.run([str(interpreter.path), "-m", "venv", str(path)], check=True, timeout=300)
        self.path = path
        self.python = str(path / "bin" / "python")
        self.pip = [self.python, "-m", "pip", "--disable-pip-version-check", "--no-input"]

    def run(self, *cmd: str, env: dict[str, str] | None = None, check: bool = True, timeout: float = 1200) -> subprocess.CompletedProcess[str]:
        full = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PIP_CONSTRAINT", "PIP_CONFIG_FILE")}
        full.update(env or {})
        proc = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, env=full, stdin=subprocess.DEVNULL)
        if check:
            assert proc.returncode == 0, f"{cmd}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        return proc

    def install(self, *args: str, index: Index | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        extra = ["--extra-index-url", index.simple] if index else []
        return self.run(*self.pip, "install", *extra, *args, env=env)

    def flask_lts(self, *args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.path / "bin" / "flask-lts"), *args, env=env, check=check)

    def versions(self) -> dict[str, str]:
        return installed_versions(self.pip)


def channel_pins(index: Index, name: str, python: str) -> dict[str, str]:
    return {n: p.version for n, p in pins_for(read_pins(index.constraints / f"flask-lts-{name}.txt"), python).items()}


def test_publish_again_resumes_and_refuses_a_changed_file(index, tmp_path):
    again = publish(index, "2024")
    assert again.returncode == 0 and "uploaded 0, already there 2" in again.stdout, again.stderr
    # A run that died after the wheel: the index lacks the sdist; the next run uploads just that.
    sdist, wheel = dist_filenames(installer_version(load_channel(ROOT / "channels" / "2024.toml")))
    original = (index.packages / sdist).read_bytes()
    (index.packages / sdist).unlink()
    resumed = publish(index, "2024")
    assert resumed.returncode == 0 and "uploaded 1, already there 1" in resumed.stdout, resumed.stderr
    assert (index.packages / sdist).read_bytes() == original
    # A different file under a published name is refused before anything is uploaded.
    changed = tmp_path / "dist"
    shutil.copytree(index.dist, changed)
    (changed / wheel).write_bytes((changed / wheel).read_bytes() + b"\0")
    refused = publish(index, "2024", changed)
    assert refused.returncode == PublishError.exit_code == 12
    assert "already has" in refused.stderr and "never changes" in refused.stderr
    assert (index.packages / wheel).read_bytes() == (index.dist / wheel).read_bytes()


def test_plain_install_takes_the_newest_released_channel_and_use_pins_it(index, tmp_path):
    venv = Venv(tmp_path / "venv", "3.12")
    venv.install("flask-lts[login]", index=index)
    channel = load_channel(ROOT / "channels" / "2026.toml")
    versions = venv.versions()
    assert versions["flask-lts"] == channel.version  # 2026's current serial: not the 2024 line, not the 2028 preview
    pins = channel_pins(index, "2026", "3.12")
    for package in [*channel.core, *channel.extras["login"]]:
        assert in_series(versions[package], channel.allowed_series(package, "3.12")), (package, versions[package])
        assert tuple(map(int, versions[package].split("."))) >= tuple(map(int, pins[package].split("."))), package
    # The preview is there for whoever asks for it.
    preview = venv.run(*venv.pip, "install", "--dry-run", "--no-deps", "--pre", "--extra-index-url", index.simple, "flask-lts==2028.*")
    assert "flask-lts-2028.0a0" in preview.stdout

    # The documented flow: `flask-lts use`, then installs land on the exact pins.
    venv.flask_lts("use")
    venv.install("flask-lts[login]", index=index)
    versions = venv.versions()
    assert {n: v for n, v in versions.items() if n != "flask-lts"} == {n: pins.get(n) for n in versions if n != "flask-lts"}
    check = venv.flask_lts("check", "--json")
    assert json.loads(check.stdout)["clean"] is True

    # Werkzeug of another series by hand (bypassing pip's configuration): drift.
    venv.install("werkzeug==3.0.6", env={"PIP_CONFIG_FILE": os.devnull})
    drifted = venv.flask_lts("check", "--json", check=False)
    assert drifted.returncode == 1, drifted.stdout + drifted.stderr
    report = json.loads(drifted.stdout)
    assert report["drift"] == [
        {"package": "werkzeug", "installed": "3.0.6", "pinned": pins["werkzeug"], "series": "3.1", "in_series": False, "newer": False}
    ]
    assert "werkzeug" in venv.flask_lts("check", check=False).stdout


def test_a_channel_by_version_gets_exactly_its_pins_on_its_oldest_python(index, tmp_path):
    venv = Venv(tmp_path / "venv", "3.8")
    venv.install("flask-lts~=2024.0", index=index)
    assert venv.versions()["flask-lts"] == installer_version(load_channel(ROOT / "channels" / "2024.toml"))
    venv.flask_lts("use")
    venv.install("flask-lts[login,sqlalchemy]~=2024.0", index=index)
    versions = venv.versions()
    pins = channel_pins(index, "2024", "3.8")
    for package in ("flask", "werkzeug", "flask-login", "flask-sqlalchemy", "sqlalchemy"):
        assert package in versions, package
    assert {n: v for n, v in versions.items() if n != "flask-lts"} == {n: pins.get(n) for n in versions if n != "flask-lts"}
    venv.run(*venv.pip, "check")
    check = venv.flask_lts("check")
    assert check.returncode == 0 and check.stdout.strip().endswith("clean")
    report = json.loads(venv.flask_lts("check", "--json").stdout)
    assert report["clean"] and report["outside_channel"] == [] and report["python"] == "3.8"
    path = venv.flask_lts("constraints").stdout.strip()
    assert path.endswith("py3.8.txt") and Path(path).read_bytes() == (index.constraints / "2024" / "py3.8.txt").read_bytes()


def test_use_keeps_other_levels_constraints_and_undo_restores_the_file(index, tmp_path):
    venv = Venv(tmp_path / "venv", "3.12")
    venv.install("flask-lts~=2024.0", index=index)
    own = "[global]\ntimeout = 60\n"
    (venv.path / "pip.conf").write_text(own)
    team = tmp_path / "team-constraints.txt"
    team.write_text("six==1.16.0\n")
    team_conf = tmp_path / "team-pip.conf"
    team_conf.write_text(f"[global]\nconstraint = {team}\n")
    env = {"PIP_CONFIG_FILE": str(team_conf)}

    used = venv.flask_lts("use", env=env)
    assert f"kept {team}" in used.stdout, used.stdout
    written = (venv.path / "pip.conf").read_text()
    assert str(team) in written and "flask-lts-2024.txt" in written and written.startswith(own)

    # A plain pip install now obeys both: the channel's pins and the team's six pin.
    venv.install("flask-wtf", "werkzeug", "six", env=env)
    versions = venv.versions()
    pins = channel_pins(index, "2024", "3.12")
    assert (versions["flask-wtf"], versions["werkzeug"], versions["flask"]) == (pins["flask-wtf"], pins["werkzeug"], pins["flask"])
    assert versions["six"] == "1.16.0"

    undone = venv.flask_lts("use", "--undo", env=env)
    assert "removed" in undone.stdout
    assert (venv.path / "pip.conf").read_text() == own
    assert "nothing to undo" in venv.flask_lts("use", "--undo", env=env).stdout
