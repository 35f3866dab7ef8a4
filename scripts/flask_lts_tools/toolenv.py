"""Per-Python tool environments: pip-tools must run on each real interpreter.

pip and pip-tools break each other across versions (see docs), so the pair is
pinned here and installed into `.cache/tools/py<X.Y>` once, then reused while
its stamp matches.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

from ._exceptions import ToolEnvironmentError
from .pythons import Interpreter

# The newest pair that installs on every Python from 3.8 to 3.13 (pip 25.0.1 is
# the last pip for 3.8; pip-tools 7.4.1 works with pip 25.0-25.2).
PIP_TOOLS_PAIR = ("pip==25.0.1", "pip-tools==7.4.1")
TIMEOUT = 600


def uv_bin() -> str:
    """The uv executable the toolkit depends on (its wheel carries the binary)."""
    from uv import find_uv_bin

    return find_uv_bin()


# uv reads neither pip.conf nor PIP_* variables: the index is passed explicitly
# (index.index_url()), uv's own config files are ignored, and it never downloads
# an interpreter on this closed network.
UV_ENVIRON = {"UV_PYTHON_DOWNLOADS": "never", "UV_NO_CONFIG": "1"}


def uv_environ() -> dict[str, str]:
    return {**os.environ, **UV_ENVIRON}


def bin_dir(venv: Path) -> Path:
    return venv / ("Scripts" if sys.platform == "win32" else "bin")


def venv_python(venv: Path) -> Path:
    return bin_dir(venv) / ("python.exe" if sys.platform == "win32" else "python")


def run(cmd: list[str], what: str, timeout: float = TIMEOUT, **kwargs) -> subprocess.CompletedProcess[str]:
    """Run a subprocess with a timeout; raise ToolEnvironmentError with its output on failure."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        lines = [l.strip() for l in output.splitlines() if l.strip() and "WARNING: Location" not in l]
        tail = f": {' | '.join(lines[-4:])}" if lines else ""
        raise ToolEnvironmentError(f"{what}: timed out after {timeout:.0f}s{tail}") from None
    except OSError as exc:
        raise ToolEnvironmentError(f"{what}: cannot run {cmd[0]} ({exc.strerror or exc})") from None
    if proc.returncode != 0:
        lines = [l.strip() for l in (proc.stdout + proc.stderr).splitlines() if l.strip() and "WARNING: Location" not in l]
        raise ToolEnvironmentError(f"{what}: failed (exit {proc.returncode}): {' | '.join(lines[-4:])}")
    return proc


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Serialise creation across processes (parallel test workers, parallel make runs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def tool_environment(interpreter: Interpreter, root: Path) -> Path:
    """A venv on `interpreter` with the pinned pip / pip-tools pair; created on first use."""
    root = root.resolve()
    with locked(root / f".py{interpreter.version}.lock"):
        return _tool_environment(interpreter, root)


def _tool_environment(interpreter: Interpreter, root: Path) -> Path:
    venv = root / f"py{interpreter.version}"
    stamp = venv / "flask-lts-tools.stamp"
    wanted = f"{interpreter.full_version} {' '.join(PIP_TOOLS_PAIR)}\n"
    if stamp.exists() and stamp.read_text() == wanted and venv_python(venv).exists():
        return venv
    if venv.exists():
        shutil.rmtree(venv)
    what = f"tool environment for Python {interpreter.version}"
    run([str(interpreter.path), "-m", "venv", str(venv)], what)
    run(
        [str(venv_python(venv)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PIP_TOOLS_PAIR],
        what,
    )
    stamp.write_text(wanted)
    return venv


def uv_version() -> str:
    """The uv release the toolkit runs (pinned once, in pyproject.toml)."""
    from importlib.metadata import version

    return version("uv")
