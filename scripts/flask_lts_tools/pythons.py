"""Find the real interpreters a channel needs: explicit --python, PATH, then pyenv."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from ._exceptions import InterpreterError

# One answer per line: minor version, full version, implementation, and the base
# interpreter's real path (through pyenv shims and out of virtual environments).
_PROBE = (
    "import os, sys, platform; base = getattr(sys, '_base_executable', sys.executable);"
    "print('%d.%d' % sys.version_info[:2], platform.python_version(), platform.python_implementation(),"
    " os.path.realpath(base if sys.prefix != sys.base_prefix else sys.executable), sep='\\n')"
)


@dataclass(frozen=True)
class Interpreter:
    version: str  # "3.12"
    full_version: str  # "3.12.1"
    path: Path
    source: str  # "--python", "PATH", "pyenv"


def probe(path: str | Path, timeout: float = 30) -> tuple[str, str, str, str] | str:
    """(minor, full, implementation, real path) of an interpreter, or the reason it is unusable."""
    try:
        proc = subprocess.run([str(path), "-c", _PROBE], capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError:
        return "not found"
    except PermissionError:
        return "not executable"
    except subprocess.TimeoutExpired:
        return f"did not answer within {timeout:.0f}s"
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return f"does not run ({last})"
    parts = proc.stdout.strip("\n").split("\n")
    if len(parts) != 4:
        return f"unexpected answer {proc.stdout.strip()!r}"
    return parts[0], parts[1], parts[2], parts[3]


def _pyenv_root() -> Path | None:
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    exe = shutil.which("pyenv")
    if exe:
        try:
            out = subprocess.run([exe, "root"], capture_output=True, text=True, timeout=20)
            if out.returncode == 0 and out.stdout.strip():
                return Path(out.stdout.strip())
        except (OSError, subprocess.TimeoutExpired):
            pass
    home = Path.home() / ".pyenv"
    return home if home.is_dir() else None


def _pyenv_candidates(version: str) -> list[Path]:
    root = _pyenv_root()
    if root is None:
        return []
    pattern = re.compile(rf"^{re.escape(version)}\.(\d+)$")
    found = []
    for entry in (root / "versions").glob(f"{version}.*"):
        match = pattern.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry / "bin" / "python"))
    return [path for _, path in sorted(found, reverse=True)]


def parse_python_options(values: Iterable[str]) -> dict[str, Path]:
    """`--python 3.12=/usr/bin/python3.12` or `--python /usr/bin/python3.12` -> {version: path}."""
    explicit: dict[str, Path] = {}
    for value in values:
        if "=" in value:
            version, _, path = value.partition("=")
            if not re.fullmatch(r"3\.\d{1,2}", version):
                raise InterpreterError(f"--python {value}: {version!r} is not a Python version like 3.12")
            explicit[version] = Path(path)
        else:
            answer = probe(value)
            if isinstance(answer, str):
                raise InterpreterError(f"--python {value}: interpreter {answer}; give a working python executable")
            explicit[answer[0]] = Path(value)
    return explicit


def find_interpreters(
    versions: Sequence[str], explicit: dict[str, Path] | None = None
) -> tuple[dict[str, Interpreter], dict[str, list[str]]]:
    """Locate each wanted Python; return (found, reasons it was not found per version)."""
    explicit = explicit or {}
    found: dict[str, Interpreter] = {}
    skipped: dict[str, list[str]] = {}
    for version in versions:
        candidates: list[tuple[str, Path]] = []
        if version in explicit:
            candidates.append(("--python", explicit[version]))
        on_path = shutil.which(f"python{version}")
        if on_path:
            candidates.append(("PATH", Path(on_path)))
        candidates.extend(("pyenv", p) for p in _pyenv_candidates(version))
        reasons: list[str] = []
        for source, path in candidates:
            answer = probe(path)
            if isinstance(answer, str):
                reasons.append(f"{source} {path}: {answer}")
                continue
            minor, full, impl, real = answer
            if impl != "CPython":
                reasons.append(f"{source} {path}: is {impl}, channels are tested on CPython")
            elif minor != version:
                reasons.append(f"{source} {path}: is Python {full}, not {version}")
            else:
                # The real interpreter, not a pyenv shim (a bash script run on every call)
                # nor a virtual environment's python that happens to be on PATH.
                found[version] = Interpreter(version, full, Path(real) if Path(real).is_file() else path, source)
                break
        if version not in found:
            skipped[version] = reasons or [f"no python{version} on PATH, none in pyenv, none given with --python"]
    return found, skipped


def require_interpreters(
    versions: Sequence[str], explicit: dict[str, Path] | None = None, what: str = "this command"
) -> dict[str, Interpreter]:
    """Like find_interpreters, but a missing one is an error naming it and how to provide it."""
    found, skipped = find_interpreters(versions, explicit)
    if skipped:
        version, reasons = next(iter(skipped.items()))
        raise InterpreterError(
            f"Python {version} is needed by {what} but was not found ({'; '.join(reasons)}); "
            f"install it (e.g. pyenv install {version}) or pass --python {version}=/path/to/python{version}"
        )
    return found
