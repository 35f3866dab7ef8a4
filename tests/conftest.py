"""Shared test helpers: small channel files written on the fly, the toolkit's CLI."""

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

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

# The negative-control apps (data/controls) run inside target environments,
# driven by the verifier; they are not part of this suite.
collect_ignore = ["data"]

CORE_2024 = {
    "flask": "3.0",
    "werkzeug": "3.0",
    "jinja2": "3.1",
    "markupsafe": "2.1",
    "itsdangerous": "2.2",
    "click": "8.1",
    "blinker": "1.8",
}


def channel_text(
    name: str = "t",
    pythons: tuple[str, ...] = ("3.11",),
    core: dict[str, str] | None = None,
    extras: dict[str, dict[str, str]] | None = None,
    dependencies: dict[str, str] | None = None,
    extra: str = "",
    dates: tuple[str, str, str, str] = ("2024-06-30", "2024-07-31", "2026-07-31", "2027-07-31"),
) -> str:
    core = CORE_2024 if core is None else core
    extras = {"login": {"flask-login": "0.6"}} if extras is None else extras
    dependencies = {} if dependencies is None else dependencies
    lines = [
        "[channel]",
        f'name = "{name}"',
        'status = "supported"',
        f"freeze-date = {dates[0]}",
        f"release-date = {dates[1]}",
        f"bugfix-until = {dates[2]}",
        f"security-until = {dates[3]}",
        "serial = 0",
        "",
        "[python]",
        "supported = [" + ", ".join(f'"{p}"' for p in pythons) + "]",
        f'default = "{pythons[-1]}"',
        "",
        "[core]",
        *(f'{k} = "{v}"' for k, v in core.items()),
        "",
        "[extras]",
        "all = [" + ", ".join(f'"{e}"' for e in extras) + "]",
    ]
    for extra_name, packages in extras.items():
        lines += ["", f"[extras.{extra_name}]", *(f'{k} = "{v}"' for k, v in packages.items())]
    lines += ["", "[dependencies]", *(f'{k} = "{v}"' for k, v in dependencies.items())]
    return "\n".join(lines) + "\n" + extra


@pytest.fixture
def write_channel(tmp_path: Path):
    def write(text: str | None = None, name: str = "t", **kwargs) -> Path:
        directory = tmp_path / "channels"
        directory.mkdir(exist_ok=True)
        path = directory / f"{name}.toml"
        path.write_text(text if text is not None else channel_text(name=name, **kwargs))
        return path

    return write


def run_tools(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """The toolkit's command line, as a maintainer runs it."""
    full_env = dict(os.environ, PYTHONPATH=str(SCRIPTS), **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "flask_lts_tools", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess[str], *needles: str) -> str:
    """A user error: non-zero exit, no traceback, one 'error:' line naming the problem."""
    assert proc.returncode not in (0, None), proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    errors = [l for l in proc.stderr.splitlines() if l.startswith("error:")]
    assert len(errors) == 1, proc.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def installed_versions(pip: list[str]) -> dict[str, str]:
    """canonical name -> version of what a venv's pip lists, pip/setuptools/wheel left out."""
    import json

    from packaging.utils import canonicalize_name

    out = subprocess.run([*pip, "list", "--format=json"], capture_output=True, text=True, check=True, timeout=120)
    return {
        canonicalize_name(d["name"]): d["version"]
        for d in json.loads(out.stdout)
        if canonicalize_name(d["name"]) not in {"pip", "setuptools", "wheel", "distribute"}
    }


@contextlib.contextmanager
def local_pypiserver(packages: Path, log_path: Path, *extra: str) -> Iterator[str]:
    """A real pypiserver on 127.0.0.1 serving `packages`; yields its root URL, stops it after."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(log_path, "w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "pypi-server"), "run", "-i", "127.0.0.1", "-p", str(port),
         "-P", ".", "-a", ".", *extra, str(packages)],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "simple/", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("pypiserver did not start:\n" + log_path.read_text()) from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
        log.close()


@contextlib.contextmanager
def installable_constraints(tmp: Path, source: Path | None = None) -> Iterator[Path]:
    """A copy of a constraints folder (default: the committed one) that pip can install from on
    this machine: files that name a channel's own index (a serial pinning the channel's builds,
    docs/backports.md) name that index served from packages/<channel>/ on 127.0.0.1 while the
    block runs instead, the only line that changes. The builds are the same bytes, so the
    hashed files' hashes hold. Files that name no index are copied as they are.
    FLASK_LTS_TEST_CONSTRAINTS names another folder to start from (a candidate serial's files,
    e.g. `backport constraints 2024 --out DIR` with the other channels' files beside them)."""
    import shutil

    from flask_lts_tools.backports._local import LocalIndexes

    copy = tmp / "constraints"
    shutil.copytree(source or os.environ.get("FLASK_LTS_TEST_CONSTRAINTS") or ROOT / "constraints", copy)
    with LocalIndexes(ROOT / "packages") as indexes:
        indexes.point(copy)
        yield copy
