"""`flask-lts use`: make a pip configuration file name the channel's constraints file.

pip reads a `constraint` setting from several files (global, user, the virtual
environment's own `site` file, `PIP_CONFIG_FILE`) and the PIP_CONSTRAINT variable;
the most specific one REPLACES the others rather than adding to them. So the value
written here lists whatever constraints pip would use without it, then the channel's
file, and the block is marked so that `use --undo` removes exactly what was written.
Editing is line-based: the user's comments and layout stay as they were.
"""

from __future__ import annotations

import configparser
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from ._exceptions import PipConfigError, UsageError

CONFIG_NAME = "pip.ini" if os.name == "nt" else "pip.conf"
BEGIN = "# >>> flask-lts use"
END = "# <<< flask-lts use"
SAVED = "#flask-lts-saved# "
# pip's own precedence: a later level replaces an earlier one, key by key.
VARIANTS = ("global", "user", "site", "env")

_SECTION = re.compile(r"^\[(?P<name>.+)\]")
_KEY = re.compile(r"^(?P<indent>[ \t]*)constraint[ \t]*[=:]", re.IGNORECASE)


class Setting:
    """A `constraint` value pip would use, and where it comes from."""

    def __init__(self, values: List[str], path: Path, section: str) -> None:
        self.values = values
        self.path = path
        self.section = section

    def where(self) -> str:
        return f"{self.path} [{self.section}] constraint"


# -- the text of one configuration file -----------------------------------------


def _section_name(line: str) -> Optional[str]:
    match = _SECTION.match(line.strip())
    return match.group("name") if match else None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def as_config_value(path: Path) -> str:
    """pip splits a setting on whitespace: a path with spaces goes in as a file: URL."""
    text = str(path)
    return path.as_uri() if any(c.isspace() for c in text) else text


def remove(text: str) -> Tuple[str, bool, List[str]]:
    """The text without flask-lts's block (saved lines restored): (text, found, block flags)."""
    lines = text.splitlines(keepends=True)
    nl = _newline(text)
    out: List[str] = []
    found = False
    flags: List[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(BEGIN):
            end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith(END)), None)
            if end is None:
                raise PipConfigError(
                    f"a flask-lts block starts on line {i + 1} but its end line ({END}) is missing; "
                    "fix the file by hand"
                )
            found = True
            block_flags = re.findall(r"new file|new section|added newline", line)
            flags.extend(block_flags)
            following = lines[end + 1 :]
            if "new section" in block_flags:
                # Keys the user appended after the block would otherwise fall into the section above.
                for later in following:
                    if _section_name(later) is not None:
                        break
                    if later.strip() and not later.lstrip().startswith(("#", ";")):
                        out.append("[install]" + nl)
                        break
            if "added newline" in block_flags and not following and out:
                out[-1] = out[-1].rstrip("\r\n")
            i = end + 1
            continue
        if line.startswith(SAVED):
            out.append(line[len(SAVED) :])
            found = True
        else:
            out.append(line)
        i += 1
    return "".join(out), found, flags


def add(text: str, values: Sequence[str], label: str, new_file: bool = False) -> str:
    """`text` (free of any flask-lts block) with `[install] constraint` set to `values`.

    An existing `constraint` key of `[install]` is commented out (restored by `remove`).
    """
    nl = _newline(text)
    lines = text.splitlines(keepends=True)
    flags = ["new file"] if new_file else []
    start = next((i for i, line in enumerate(lines) if _section_name(line) == "install"), None)
    if start is None:
        flags.append("new section")
        insert_at = len(lines)
    else:
        end = next((i for i in range(start + 1, len(lines)) if _section_name(lines[i]) is not None), len(lines))
        key = next((i for i in range(start + 1, end) if _KEY.match(lines[i])), None)
        insert_at = start + 1
        if key is not None:
            indent = _indent(lines[key])
            stop = key + 1
            while stop < end and (not lines[stop].strip() or _indent(lines[stop]) > indent):
                stop += 1
            while stop > key + 1 and not lines[stop - 1].strip():
                stop -= 1
            for i in range(key, stop):
                lines[i] = SAVED + lines[i]
            insert_at = stop
    if insert_at == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += nl
        flags.append("added newline")
    block = [f"{BEGIN} ({'; '.join([label, *flags])}): remove with `flask-lts use --undo`"]
    if "new section" in flags:
        block.append("[install]")
    block.append("constraint =")
    block.extend("    " + value for value in values)
    block.append(END)
    lines[insert_at:insert_at] = [line + nl for line in block]
    return "".join(lines)


# -- what pip reads ----------------------------------------------------------------------


def pip_config_files(python: str) -> List[Tuple[str, Path]]:
    """(variant, file) in the order pip applies them, as the environment's own pip reports them."""
    try:
        proc = subprocess.run(
            [python, "-m", "pip", "config", "debug"],
            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PipConfigError(f"could not ask pip for its configuration files ({python} -m pip config debug: {exc})") from None
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise PipConfigError(f"`{python} -m pip config debug` failed ({last}); is pip installed in this environment?")
    found: Dict[str, List[Path]] = {variant: [] for variant in VARIANTS}
    variant = None
    for line in proc.stdout.splitlines():
        header = re.fullmatch(r"(env_var|env|global|site|user):", line)
        if header:
            variant = header.group(1)
            continue
        entry = re.fullmatch(r"  (\S.*), exists: (True|False)", line)
        if entry and variant in found:
            found[variant].append(Path(entry.group(1)))
    if os.environ.get("PIP_CONFIG_FILE") and os.path.exists(os.environ["PIP_CONFIG_FILE"]):
        found["user"] = []  # pip skips the user files when PIP_CONFIG_FILE names a file
    return [(variant, path) for variant in VARIANTS for path in found[variant]]


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except OSError:
        return False


def _parse(text: str, path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        raise PipConfigError(f"{path}: pip cannot read this file either: {exc}".replace("\n", " ")) from None
    return parser


def effective_setting(
    files: Sequence[Tuple[str, Path]], overrides: Dict[Path, str]
) -> Tuple[Optional[Setting], Optional[Setting]]:
    """(install command's constraint from the files, the last [install] one), in pip's precedence.

    `overrides` gives the text to use for some files (the target, as it would be without us).
    """
    last: Dict[str, Setting] = {}
    for _, path in files:
        text = next((t for p, t in overrides.items() if _same(p, path)), None)
        if text is None:
            try:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
            except FileNotFoundError:
                continue
            except (OSError, UnicodeDecodeError) as exc:
                raise PipConfigError(f"{path}: cannot read it ({exc})") from None
        parser = _parse(text, path)
        for section in ("global", "install"):
            if parser.has_option(section, "constraint"):
                last[section] = Setting(parser.get(section, "constraint").split(), path, section)
    return last.get("install") or last.get("global"), last.get("install")


class UsePlan:
    """What `flask-lts use` (or `--undo`) will do to one file, and what the user must know."""

    def __init__(self, target: Path, old_text: Optional[str], new_text: Optional[str]) -> None:
        self.target = target
        self.old_text = old_text  # None: the file does not exist
        self.new_text = new_text  # None: the file is to be deleted
        self.values: List[str] = []
        self.kept: Optional[Setting] = None
        self.warnings: List[str] = []
        self.found = False

    @property
    def changes(self) -> bool:
        return self.old_text != self.new_text


def read_target(target: Path) -> Optional[str]:
    try:
        with open(target, encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise PipConfigError(f"{target}: cannot read it ({exc})") from None


def plan_use(
    target: Path, constraint_file: Path, label: str, files: Sequence[Tuple[str, Path]], environ: Dict[str, str]
) -> UsePlan:
    """The new text of `target`: the constraints pip uses today, then the channel's file."""
    old = read_target(target)
    clean, _, flags = remove(old or "")
    new_file = old is None or ("new file" in flags and not clean)
    ours = as_config_value(constraint_file)
    kept, _ = effective_setting(files, {target: clean})
    values = [v for v in (kept.values if kept else []) if v != ours] + [ours]
    plan = UsePlan(target, old, add(clean, values, label, new_file=new_file))
    plan.values = values
    plan.kept = kept if kept and any(v != ours for v in kept.values) else None
    plan.warnings = _shadowing(target, files, {target: plan.new_text or ""}, ours, environ)
    return plan


def plan_undo(target: Path) -> UsePlan:
    old = read_target(target)
    if old is None:
        plan = UsePlan(target, None, None)
        return plan
    clean, found, flags = remove(old)
    plan = UsePlan(target, old, None if ("new file" in flags and not clean) else clean)
    plan.found = found
    return plan


def _shadowing(
    target: Path, files: Sequence[Tuple[str, Path]], overrides: Dict[Path, str], ours: str, environ: Dict[str, str]
) -> List[str]:
    """Why pip might still not use the channel's file after the edit."""
    warnings = []
    if environ.get("PIP_CONFIG_FILE") == os.devnull:
        warnings.append(f"PIP_CONFIG_FILE={os.devnull} switches every pip configuration file off, this one included")
    if environ.get("PIP_CONSTRAINT") is not None:
        warnings.append(
            "PIP_CONSTRAINT is set in this shell; it replaces every constraint of pip's configuration files, so "
            "pip ignores the channel's file while it is set: unset it, or add the file to it: "
            f'export PIP_CONSTRAINT="$PIP_CONSTRAINT {ours}"'
        )
    if not any(_same(path, target) for _, path in files):
        listed = ", ".join(str(p) for _, p in files) or "none"
        warnings.append(
            f"pip does not read {target} (its configuration files here: {listed}); "
            f"point PIP_CONFIG_FILE at it, or write one of pip's files"
        )
        return warnings
    effective, install = effective_setting(files, overrides)
    if effective is not None and ours not in effective.values and install is not None:
        warnings.append(
            f"{install.where()} takes precedence over {target}, so pip will not use the channel's file: "
            f"add {ours} to that setting"
        )
    return warnings


# -- where to write ----------------------------------------------------------------------


def in_virtualenv() -> bool:
    return sys.prefix != getattr(sys, "base_prefix", sys.prefix)


def venv_python(prefix: Path) -> Path:
    return prefix / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def default_target(environ: Dict[str, str]) -> Tuple[Path, str]:
    """(the virtual environment's own pip configuration file, the python whose pip reads it)."""
    active = environ.get("VIRTUAL_ENV")
    if in_virtualenv():
        if active and not _same(Path(active), Path(sys.prefix)):
            raise UsageError(
                f"VIRTUAL_ENV is {active} but this flask-lts runs from the virtual environment {sys.prefix}; "
                f"say which to configure: --file {Path(active) / CONFIG_NAME} or --file {Path(sys.prefix) / CONFIG_NAME}"
            )
        return Path(sys.prefix) / CONFIG_NAME, sys.executable
    if active:
        return Path(active) / CONFIG_NAME, str(venv_python(Path(active)))
    raise UsageError(
        "not in a virtual environment, so there is no environment of its own to configure; "
        "activate one (or run its flask-lts), or name a pip configuration file with --file "
        "(e.g. --file ~/.config/pip/pip.conf for every pip of this user)"
    )
