"""Every route a user takes ends with the channel's patched Werkzeug installed.

The site part of the channel's own index (packages/2024 -> <ch>/simple/, <ch>/packages/)
and the channel's constraints moved to the build are served with `python -m http.server`
on 127.0.0.1. The moved constraints come two ways: `backport constraints` (the committed
files rewritten) and the resolver's own output (`constraint_files` of the committed per-Python
pins moved to the build, what `make resolve` / `make refresh` write for the next serial,
2024.2 here, on a temporary copy of the channel). Fresh virtual environments on the channel's
lowest and highest Python (3.8, 3.13) install through: the constraints URL, the installer
(`flask-lts use`, then a plain `pip install`), and the Dockerfile's install steps (the
generated core lock, hash-checked, then PIP_CONSTRAINT). Each ends with werkzeug
3.0.6+lts2024.1, whose safe_join refuses the advisories' paths (3.0.6 accepts them). A pin
nobody serves is refused, never replaced by the public 3.0.6.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from conftest import ROOT, SCRIPTS
from flask_lts_tools import backports
from flask_lts_tools.channel import find_channel_file, load_channel
from flask_lts_tools.docker import plan, render_core_lock
from flask_lts_tools.pythons import require_interpreters

pytestmark = pytest.mark.integration
BUILD = "3.0.6+lts2024.1"
# The advisories' paths: None from the patched safe_join on "Windows", a path from 3.0.6.
PROBE = (
    "import importlib.metadata as m, os, werkzeug.security as s; v = m.version('werkzeug'); os.name = 'nt'; "
    "bad = ['CON', 'CON.txt.html', 'b/CON', 'CON:']; ok = all(s.safe_join('a', p) is None for p in bad); "
    "os.name = 'posix'; print(v, ok)"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _serve(folder: Path, port: int) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _run(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PIP_CONSTRAINT")}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env={**environ, **(env or {})})
    assert proc.returncode == 0, f"{cmd}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _resolver_output(channel, out: Path, index_url: str) -> None:
    """What the resolver writes for the channel with its published build: the committed per-Python
    pins (pip-compile's) moved to the build, merged and written by constraints_writer."""
    from flask_lts_tools.constraints import read_pins
    from flask_lts_tools.constraints_writer import write_constraints
    from flask_lts_tools.constraints import Resolution
    from flask_lts_tools.pythons import Interpreter
    from flask_lts_tools.resolve import PythonResult, assemble, to_builds

    builds = backports.channel_builds("2024", ROOT / "packages")
    results = []
    for python in channel.pythons:
        pins = {p.name: p for p in read_pins(ROOT / "constraints" / "2024" / f"py{python}-hashes.txt")}
        result = PythonResult(python, Interpreter(python, f"{python}.0", Path(sys.executable), "PATH"), Resolution(python, pins), 0.0)
        results.append(to_builds(result, builds))
    platform = [p for p in read_pins(ROOT / "constraints" / "flask-lts-2024-hashes.txt") if p.marker and "platform" in str(p.marker)]
    write_constraints(assemble(channel, results, platform, builds, index_url), out)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, tuple[Path, Path]]]]:
    """(site URL, {source: (the moved constraints folder, the installer wheel built from it)})."""
    import dataclasses

    from flask_lts_tools.dist import build

    tmp = tmp_path_factory.mktemp("backport-routes")
    site = tmp / "site"
    for relative, data in backports.site_files(["2024"], ROOT / "packages").items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_bytes(data)
    port = _free_port()
    channel = load_channel(find_channel_file("2024", ROOT / "channels"))
    moved = site / "2024" / "next"
    proc = subprocess.run(
        [sys.executable, "-m", "flask_lts_tools", "backport", "constraints", "2024", "--out", str(moved),
         "--base-url", f"http://127.0.0.1:{port}/"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(SCRIPTS)},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    # the next serial as the resolver makes it, on a temporary serial of the channel
    following = dataclasses.replace(channel, serial=channel.serial + 1)
    generated = site / "2024" / following.version
    _resolver_output(following, generated, f"http://127.0.0.1:{port}/2024/simple/")
    assert f"(serial {following.version})" in (generated / "flask-lts-2024.txt").read_text()
    sources = {}
    for name, folder, ch in (("backport-constraints", moved, channel), ("resolver", generated, following)):
        wheels = build(ch, folder, ROOT / "installer", tmp / "dist" / name)
        sources[name] = (folder, next(p for p in wheels if p.name.endswith(".whl")))
    with _serve(site, port) as url:
        yield url, sources


@pytest.fixture(scope="module")
def interpreters():
    return require_interpreters(["3.8", "3.13"], what="the backport route tests")


def _venv(tmp_path: Path, interpreter, name: str) -> Path:
    path = tmp_path / name
    _run([str(interpreter.path), "-m", "venv", str(path)])
    return path


@pytest.mark.parametrize("source", ["resolver", "backport-constraints"])
@pytest.mark.parametrize("python", ["3.8", "3.13"])
def test_every_route_installs_the_patched_build(served, interpreters, tmp_path: Path, python: str, source: str):
    url, sources = served
    moved, installer = sources[source]
    interpreter = interpreters[python]
    constraints_url = f"{url}{moved.relative_to(moved.parents[1]).as_posix()}/flask-lts-2024.txt"

    # 1. The constraints file by URL: it names the channel's index itself.
    env = _venv(tmp_path, interpreter, "constraints")
    _run([str(env / "bin" / "python"), "-m", "pip", "install", "-q", "-c", constraints_url, "flask"])
    assert _run([str(env / "bin" / "python"), "-c", PROBE]).stdout.split() == [BUILD, "True"]

    # 2. The installer: flask-lts (carrying the moved constraints), `flask-lts use`, then plain pip installs.
    env = _venv(tmp_path, interpreter, "installer")
    pip = [str(env / "bin" / "python"), "-m", "pip", "install", "-q"]
    _run([*pip, str(installer)])
    _run([str(env / "bin" / "flask-lts"), "use"])
    _run([*pip, "flask-login"])
    assert _run([str(env / "bin" / "python"), "-c", PROBE]).stdout.split() == [BUILD, "True"]
    check = subprocess.run([str(env / "bin" / "flask-lts"), "check"], capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr

    # 3. The Dockerfile's install steps: the hash-checked core, then PIP_CONSTRAINT for later installs.
    spec = next(s for s in plan([load_channel(find_channel_file("2024", ROOT / "channels"))], moved, moved) if s.python == python)
    core = tmp_path / "core-hashes.txt"
    core.write_text(render_core_lock(spec))  # the generated lock names the channel's index itself
    assert f"--extra-index-url {url}2024/simple/" in core.read_text().splitlines()
    env = _venv(tmp_path, interpreter, "docker")
    python_bin = str(env / "bin" / "python")
    _run([python_bin, "-m", "pip", "install", "-q", "--require-hashes", "-r", str(core)])
    _run([python_bin, "-m", "pip", "install", "-q", "flask-login"], env={"PIP_CONSTRAINT": str(moved / "2024" / f"py{python}.txt")})
    assert _run([python_bin, "-c", PROBE]).stdout.split() == [BUILD, "True"]


def test_without_the_channel_index_the_pin_is_refused_not_replaced(served, interpreters, tmp_path: Path):
    """The exact local pins cannot be met by the public releases (3.0.6, 3.0.3 ...), nor by anything
    another index can publish: pip refuses, naming a build (flask's is the first it meets)."""
    _, sources = served
    moved, _ = sources["resolver"]
    text = (moved / "flask-lts-2024.txt").read_text()
    unindexed = tmp_path / "no-index.txt"
    unindexed.write_text("\n".join(l for l in text.splitlines() if not l.startswith("--extra-index-url")) + "\n")
    env = _venv(tmp_path, interpreters["3.13"], "refused")
    proc = subprocess.run(
        [str(env / "bin" / "python"), "-m", "pip", "install", "-c", str(unindexed), "flask"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "+lts2024." in (proc.stdout + proc.stderr).lower()
    for name in ("flask", "werkzeug"):
        assert not list((env / "lib").glob(f"python3.13/site-packages/{name}")), name
