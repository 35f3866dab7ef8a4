"""Fresh virtual environments and the commands run in them, each with a timeout."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from ._exceptions import EnvironmentCreationError
from .pythons import Interpreter
from .toolenv import UV_ENVIRON, uv_bin, venv_python


@dataclass
class Outcome:
    """What one subprocess did: exit code (None on timeout), output, seconds."""

    cmd: list[str]
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def tail(self, lines: int = 25) -> str:
        text = (self.stdout + "\n" + self.stderr).strip().splitlines()
        text = [l for l in text if "WARNING: Location" not in l]
        return "\n".join(text[-lines:])


# Variables of the calling interpreter that must not leak into a target environment.
_ISOLATE = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "VIRTUAL_ENV", "__PYVENV_LAUNCHER__")


def clean_environ(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _ISOLATE}
    env.update(extra or {})  # explicit settings (VIRTUAL_ENV of the target, say) win
    return env


def run(cmd: Sequence[str], timeout: float, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Outcome:
    """Run in a clean environment (the toolkit's PYTHONPATH never leaks in), with a timeout."""
    started = time.monotonic()
    try:
        proc = subprocess.run(
            list(cmd), cwd=cwd, capture_output=True, text=True, timeout=timeout,
            env=clean_environ(env), stdin=subprocess.DEVNULL,
        )  # fmt: skip
        return Outcome(list(cmd), proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        return Outcome(list(cmd), None, out, err + f"\ntimed out after {timeout:.0f}s", time.monotonic() - started)
    except OSError as exc:  # the program is missing or cannot be executed: an outcome, not a traceback
        return Outcome(list(cmd), 127, "", f"cannot run {cmd[0]}: {exc.strerror or exc}", time.monotonic() - started)


@dataclass
class Environment:
    """A virtual environment on a real interpreter."""

    path: Path
    interpreter: Interpreter

    @property
    def python(self) -> str:
        return str(venv_python(self.path))

    def pip(self, *args: str, timeout: float = 1800, env: Mapping[str, str] | None = None) -> Outcome:
        return run([self.python, "-m", "pip", "--disable-pip-version-check", "--no-input", *args], timeout, env=env)

    def uv_pip(self, command: str, *args: str, timeout: float = 900) -> Outcome:
        """`uv pip <command>` aimed at this environment: the fast path for the verifier's own
        tools (test tools, listing). What a user gets (the set itself) is installed with pip."""
        return run([uv_bin(), "pip", command, "--python", self.python, *args], timeout, env=UV_ENVIRON)

    def freeze(self) -> dict[str, str]:
        """Installed distributions (canonical name -> version), pip/setuptools/wheel left out."""
        import json

        from packaging.utils import canonicalize_name

        out = self.uv_pip("list", "--format=json", timeout=120)
        if not out.ok:
            return {}
        skip = {"pip", "setuptools", "wheel", "distribute"}
        return {
            canonicalize_name(d["name"]): d["version"]
            for d in json.loads(out.stdout)
            if canonicalize_name(d["name"]) not in skip
        }


def create(path: Path, interpreter: Interpreter, timeout: float = 300) -> Environment:
    """A brand-new venv at `path` (an old one is removed first); EnvironmentCreationError if it fails."""
    if path.exists():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    outcome = run([str(interpreter.path), "-m", "venv", str(path)], timeout)
    if not outcome.ok:
        raise EnvironmentCreationError(f"{path}: could not create a venv with Python {interpreter.full_version} ({interpreter.path}):\n{outcome.tail()}")
    return Environment(path, interpreter)
