"""The sdist's pytest ini options, carried over without what would hide or break our run."""

from __future__ import annotations

import configparser
import shlex
from typing import Mapping

from ...._toml import tomllib


def pytest_ini_options(files: Mapping[str, str]) -> tuple[str, dict[str, object]]:
    """The sdist's pytest options, from the file pytest itself would pick: (source, options)."""
    for name, section in (("pytest.ini", "pytest"), (".pytest.ini", "pytest"), ("pyproject.toml", None), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        if name not in files:
            continue
        if section is None:
            try:
                data = tomllib.loads(files[name])
            except tomllib.TOMLDecodeError:
                continue
            options = data.get("tool", {}).get("pytest", {}).get("ini_options")
            if options is not None:
                return f"{name} [tool.pytest.ini_options]", dict(options)
            continue
        parser = configparser.RawConfigParser(strict=False)
        try:
            parser.read_string(files[name])
        except configparser.Error:
            continue
        if parser.has_section(section):
            return f"{name} [{section}]", dict(parser.items(section))
    return "none", {}


_DROP_KEYS = {"testpaths", "required_plugins", "junit_family", "junit_suite_name", "cache_dir"}
_VALUE_FLAGS = {"-p", "-W", "--cov-report", "--cov-config", "--cov-fail-under", "--junitxml", "--junit-xml", "--basetemp"}


def _lines(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [line.strip() for line in str(value).splitlines() if line.strip()]


def _drop_option(flag: str, value: str) -> bool:
    if flag == "-p":
        return value in ("no:warnings", "no:cacheprovider")  # we record warnings; we set the cache
    if flag == "-W":
        return value.startswith("error")
    return flag.startswith("--cov") or flag in ("--junitxml", "--junit-xml", "--basetemp")


def filter_addopts(text: str) -> tuple[list[str], list[str]]:
    """(kept, dropped) arguments of an addopts value."""
    args = shlex.split(text)
    kept: list[str] = []
    dropped: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--") and "=" in arg:
            flag, value, used = *arg.split("=", 1), [arg]
        elif arg in _VALUE_FLAGS or arg == "--cov":
            takes = i + 1 < len(args) and (arg != "--cov" or not args[i + 1].startswith("-"))
            flag, value, used = arg, (args[i + 1] if takes else ""), args[i : i + 1 + takes]
        elif arg[:2] in ("-p", "-W") and len(arg) > 2:
            flag, value, used = arg[:2], arg[2:], [arg]
        else:
            flag, value, used = arg, "", [arg]
        (dropped if _drop_option(flag, value) else kept).extend(used)
        i += len(used)
    return kept, dropped


def filter_ini_options(options: Mapping[str, object]) -> tuple[dict[str, object], list[str]]:
    """Carry the sdist's options over, minus what fights the verifier: warnings turned
    into errors (we collect them), coverage, test paths and output options we set ourselves."""
    kept: dict[str, object] = {}
    dropped: list[str] = []
    for key, value in options.items():
        if key in _DROP_KEYS:
            dropped.append(key)
        elif key == "filterwarnings":
            lines = _lines(value)
            keep = [l for l in lines if l.split(":", 1)[0].strip().strip("'\"") != "error"]
            dropped += [f"filterwarnings {l}" for l in lines if l not in keep]
            if keep:
                kept[key] = keep
        elif key == "addopts":
            args, gone = filter_addopts(" ".join(value) if isinstance(value, list) else str(value))
            if gone:
                dropped.append("addopts " + " ".join(gone))
            if args:
                kept[key] = " ".join(shlex.quote(a) for a in args)
        else:
            kept[key] = value
    return kept, dropped


def render_ini(options: Mapping[str, object], source: str) -> str:
    lines = [f"# pytest options carried over from the sdist's {source} by flask-lts upstream", "[pytest]"]
    for key, value in options.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, list):
            text = "\n" + "\n".join(f"    {v}" for v in value) if value else ""
        else:
            text = str(value).replace("\n", "\n    ")
        lines.append(f"{key} = {text}".rstrip())
    return "\n".join(lines) + "\n"

