"""The images' install steps, executed as written. There is no Docker engine here, so each
generated Dockerfile is parsed (dockerfile-parse) and its COPY, ENV and RUN instructions are
run in order in a fresh virtual environment of the image's Python, with the image's paths
(/etc/flask-lts, /home/flask, ...) mapped into a temporary directory. Then: the core is
installed at the channel's pins, a derived image's plain `pip install flask-login werkzeug`
stays inside the channel, and a pin outside it is refused.

Runs on each channel's lowest and highest Python (every Python with FLASK_LTS_PYTHONS=all)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser
from dockerfile_parse.util import extract_key_values

from conftest import ROOT, installed_versions
from flask_lts_tools import docker
from flask_lts_tools.backports._local import LocalIndexes
from flask_lts_tools.channel import load_channels
from flask_lts_tools.constraints import pins_for, read_pins
from flask_lts_tools.pythons import require_interpreters

pytestmark = pytest.mark.integration

# The image's absolute paths (each maps to the same path under the sandbox), matched in one
# pass so that /home/app is not mapped twice through /app.
IMAGE_PATHS = re.compile(r"(?<![\w./-])(/etc/flask-lts|/tmp/flask-lts|/home/app|/app)(?=/|\s|:|$)")
# RUN lines that change the system's users cannot run on this machine (they would edit its
# /etc/passwd); the unit tests check what they do, and that they install nothing.
SYSTEM_ONLY = re.compile(r"^\s*(groupadd|useradd)\b")


def cases() -> list[tuple[str, str]]:
    chosen = []
    for channel in load_channels(ROOT / "channels"):
        if channel.status == "end-of-life":
            continue
        pythons = channel.pythons if os.environ.get("FLASK_LTS_PYTHONS") == "all" else (channel.pythons[0], channel.pythons[-1])
        chosen += [(channel.name, p) for p in dict.fromkeys(pythons)]
    return chosen


@dataclass
class Executed:
    """What running a Dockerfile's instructions left: the environment and each step's time."""

    env: dict[str, str]
    sandbox: Path
    steps: list[tuple[str, float]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def pip(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        """pip as a derived image's `RUN pip ...` runs it: with the image's environment."""
        return subprocess.run(["python", "-m", "pip", *args], env=self.env, cwd=self.sandbox, capture_output=True, text=True, timeout=timeout)


def in_sandbox(text: str, sandbox: Path) -> str:
    return IMAGE_PATHS.sub(lambda m: str(sandbox) + m.group(1), text)


def execute(dockerfile: Path, python: str, venv: Path, sandbox: Path, built: dict[str, Path], context: Path = ROOT) -> Executed:
    """Run the Dockerfile's instructions in order, as written, against `venv`; `built` maps
    build-context paths made by the release workflow (dist/'s wheels) to files made here."""
    parser = DockerfileParser(path=str(dockerfile), cache_content=True)
    env = dict(os.environ)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    # The image starts with no pip constraint; this machine's global one (it caps torch)
    # must neither help nor hinder the install, so it is switched off until the image sets its own.
    env["PIP_CONSTRAINT"] = ""
    env.pop("VIRTUAL_ENV", None)
    result = Executed(env, sandbox)
    for instruction in parser.structure:
        kind, value = instruction["instruction"], instruction["value"]
        started = time.monotonic()
        if kind == "FROM":
            assert value == f"python:{python}-slim", value
        elif kind == "COPY":
            *sources, destination = value.split()
            target = Path(in_sandbox(destination, sandbox))
            for source in sources:
                path = built.get(source, context / source)
                assert path.is_file(), f"COPY {source}: not in the build context"
                if destination.endswith("/"):
                    target.mkdir(parents=True, exist_ok=True)
                    shutil.copy(path, target / path.name)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(path, target)
        elif kind == "ENV":
            for key, val in extract_key_values(env_replace=True, args={}, envs=dict(env), instruction_value=value):
                env[key] = in_sandbox(val, sandbox)
        elif kind == "RUN":
            if SYSTEM_ONLY.match(value):
                assert "pip" not in value, value
                result.skipped.append(value)
                continue
            proc = subprocess.run(["sh", "-c", in_sandbox(value, sandbox)], env=env, cwd=sandbox, capture_output=True, text=True, timeout=1500)
            assert proc.returncode == 0, f"RUN {value}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        elif kind == "WORKDIR":
            Path(in_sandbox(value, sandbox)).mkdir(parents=True, exist_ok=True)
        elif kind not in ("COMMENT", "ARG", "LABEL", "USER", "CMD"):
            pytest.fail(f"{dockerfile}: instruction {kind} is not handled by this test; teach it")
        result.steps.append((f"{kind} {value[:60]}", time.monotonic() - started))
    return result


@pytest.fixture(scope="module")
def installer_wheel(tmp_path_factory):
    """The channel's installer wheel, built by the toolkit as `make docker-context` builds it."""
    wheels: dict[str, Path] = {}

    def wheel(channel) -> dict[str, Path]:
        if not docker.installer_available():
            return {}
        if channel.name not in wheels:
            from flask_lts_tools.dist import build

            out = tmp_path_factory.mktemp(f"dist-{channel.name}")
            wheels[channel.name] = next(p for p in build(channel, ROOT / "constraints", ROOT / "installer", out) if p.suffix == ".whl")
        return {f"dist/{docker.installer_wheel_name(channel)}": wheels[channel.name]}

    return wheel


@pytest.mark.parametrize("channel_name,python", cases())
def test_image_install_steps_as_written(tmp_path: Path, channel_name: str, python: str, installer_wheel):
    channel = next(c for c in load_channels(ROOT / "channels") if c.name == channel_name)
    directory = ROOT / "docker" / channel_name / f"py{python}"
    channel_pins = pins_for(read_pins(ROOT / "constraints" / channel_name / f"py{python}.txt"), python)
    core = {p.name: p.version for p in read_pins(directory / "core-hashes.txt")}
    interpreter = require_interpreters([python])[python]
    venv = tmp_path / "venv"
    # ensurepip's pip, as in the official images (they are built --with-ensurepip).
    subprocess.run([str(interpreter.path), "-m", "venv", str(venv)], check=True, timeout=300)
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    sandbox = tmp_path / "image"
    sandbox.mkdir()

    # A serial that pins the channel's builds names its index (the site): the build context's
    # copy names that index served here from packages/<channel>/ instead, as make docker-test does.
    context = tmp_path / "context"
    for part in (Path("docker") / channel_name / f"py{python}", Path("constraints") / channel_name):
        shutil.copytree(ROOT / part, context / part)
    with LocalIndexes(ROOT / "packages") as indexes:
        indexes.point(context)
        image = execute(directory / "Dockerfile", python, venv, sandbox, installer_wheel(channel), context)
        _check_image(image, tmp_path, channel, channel_name, python, directory, channel_pins, core, pip, sandbox, context)


def _check_image(image, tmp_path, channel, channel_name, python, directory, channel_pins, core, pip, sandbox, context):
    assert len(image.skipped) == 1  # the user's creation, and nothing else

    # The core, exactly: Flask and its dependencies at the channel's pins.
    installed = installed_versions(pip)
    installer = {name: v for name, v in installed.items() if name == "flask-lts"}
    assert bool(installer) == docker.installer_available()
    assert {n: v for n, v in installed.items() if n not in installer} == core
    assert all(channel_pins[n].version == v for n, v in core.items())
    assert installed["flask"] == channel_pins["flask"].version
    # ... and the lock is exactly what pip resolves for `flask` under the channel's pins.
    report = tmp_path / "report.json"
    dry = image.pip("install", "--dry-run", "--ignore-installed", "--quiet", "--report", str(report), "flask")
    assert dry.returncode == 0, dry.stderr[-3000:]
    resolved = {i["metadata"]["name"].lower().replace("_", "-"): i["metadata"]["version"] for i in json.loads(report.read_text())["install"]}
    assert resolved == core

    # The constraints file is in the image, and pip is pointed at it.
    kept = Path(image.env["PIP_CONSTRAINT"])
    assert kept == sandbox / "etc/flask-lts/constraints.txt" and kept.is_file()
    assert kept.read_bytes() == (context / "constraints" / channel_name / f"py{python}.txt").read_bytes()

    # A derived image's plain `RUN pip install flask-login werkzeug` stays in the channel.
    derived = image.pip("install", "flask-login", "werkzeug")
    assert derived.returncode == 0, derived.stderr[-3000:]
    after = installed_versions(pip)
    assert after["flask-login"] == channel_pins["flask-login"].version
    assert after["werkzeug"] == core["werkzeug"]
    outside = {n: v for n, v in after.items() if n not in installer and (n not in channel_pins or channel_pins[n].version != v)}
    assert outside == {}, f"left the channel: {outside}"

    # Even an explicit upgrade stays on the pins (the 2024 channel's Flask and Werkzeug have
    # newer releases on the index), and a version outside the channel is refused.
    upgrade = image.pip("install", "--upgrade", "flask", "werkzeug", "flask-login")
    assert upgrade.returncode == 0, upgrade.stderr[-3000:]
    assert installed_versions(pip) == after
    refused = image.pip("install", f"werkzeug!={core['werkzeug']}")
    assert refused.returncode != 0
    assert installed_versions(pip) == after

    if installer:
        # The installer's own verdict on the derived environment: clean, nothing outside the channel.
        check = subprocess.run(["flask-lts", "check", "--json"], env=image.env, cwd=sandbox, capture_output=True, text=True, timeout=300)
        assert check.returncode == 0, check.stdout + check.stderr
        verdict = json.loads(check.stdout)
        assert verdict["clean"] and verdict["channel"] == channel.name and verdict["drift"] == [] and verdict["outside_channel"] == []
        assert verdict["matching"] == len(after) - len(installer)
    print(f"{channel.name} py{python}: " + ", ".join(f"{s} {t:.1f}s" for s, t in image.steps if t > 0.5))
