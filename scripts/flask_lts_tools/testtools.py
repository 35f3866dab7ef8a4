"""Test tools beside the set under test, never inside it.

The apps and each upstream suite need test tools (pytest of their era, plugins, the
suite's helpers). They are resolved with uv under the set's constraints, and what the
set's environment does not already have is installed once, byte-compiled, into
`.cache/testtools/py<X.Y.Z>/<digest of the pins>/`. A `.pth` file in the environment
puts that folder on `sys.path`, just before site-packages, for the one suite that needs
it. The set still always wins: the folder holds no distribution the environment has, so
the order decides only where two distributions ship the same module, and there it gives
what one environment holding both gives (pytest 7.2 ships a `py.py` shim; pytest-xprocess
needs the `py` library, whose package beats the shim in one site-packages, but lost to it
from a folder after site-packages, so Werkzeug's suite did not start under a set pinning
pytest 7.2.1); the next suite's overlay replaces it, so no plugin leaks
from one suite into the next. The environment pip made is never modified, and warm
runs reuse both the resolutions and the installed tool folders.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Mapping, Sequence

from packaging.utils import canonicalize_name

from . import index
from .constraints import parse_pins
from ._exceptions import TestToolsError
from .toolenv import locked
from .venvs import Environment, Outcome

PTH_NAME = "_flask_lts_testtools.pth"
_PTH_MARK = "# flask-lts test tools: "


def _pth_text(site_packages: Path, folder: Path) -> str:
    """The .pth lines that put `folder` on sys.path just before site-packages (site runs a
    line that starts with `import`; the comment names the folder for overlay_folder)."""
    return (
        f"{_PTH_MARK}{folder}\n"
        # one line, no names of its own: site execs it in a function, where a comprehension
        # would not see them (a NameError there drops the line, and the tools with it); and
        # once only, for site reads a venv's site-packages twice where lib64 links to lib
        "import os, sys; %r in sys.path or sys.path.insert(([os.path.realpath(p) for p in sys.path] + [os.path.realpath(%r)]).index(os.path.realpath(%r)), %r)\n"
        % (str(folder), str(site_packages), str(site_packages), str(folder))
    )


def overlay_folder(site_packages: Path) -> Path | None:
    """The tools folder the environment's .pth points at, if any."""
    pth = site_packages / PTH_NAME
    if not pth.is_file():
        return None
    line = next((l for l in pth.read_text().splitlines() if l.startswith(_PTH_MARK)), None)
    return Path(line[len(_PTH_MARK):].strip()) if line else None
STAMP = ".flask-lts-testtools"


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _site_packages(env: Environment) -> Path:
    if os.name == "nt":
        return env.path / "Lib" / "site-packages"
    return env.path / "lib" / f"python{env.interpreter.version}" / "site-packages"


def _failure(what: str, out: Outcome) -> TestToolsError:
    return TestToolsError(f"{what}:\n{out.tail()}")


RELAXED = "relaxed (the locked tools do not resolve under the set; each lock kept as a floor):"


def _relax(requirement: str) -> str:
    """`name==1.2` -> `name>=1.2`; anything else unchanged."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(requirement)
    except InvalidRequirement:
        return requirement
    specs = list(req.specifier)
    if len(specs) != 1 or specs[0].operator != "==" or "*" in specs[0].version:
        return requirement
    marker = f" ; {req.marker}" if req.marker else ""
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    return f"{req.name}{extras}>={specs[0].version}{marker}"


def _stamp(moment: _dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def era_args(constraints: Path, before: _dt.datetime | None, exempt: Sequence[str] = ()) -> list[str]:
    """uv's arguments that hold the tools' whole closure to the index as it stood `before`
    (`--exclude-newer`), except the set's own packages, which the constraints pin at whatever
    date, and `exempt` (`--exclude-newer-package <name>=<tomorrow>`): an era-pinned pyOpenSSL
    19.1 then gets its era's cryptography, not today's, which it cannot import. [] when there
    is no era."""
    if before is None:
        return []
    later = _stamp(_dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(days=1))
    held = {canonicalize_name(p.name) for p in parse_pins(constraints.read_text(encoding="utf-8"), str(constraints))}
    free = sorted(held | {canonicalize_name(n) for n in exempt})
    return ["--exclude-newer", _stamp(before + _dt.timedelta(days=1)), *(a for n in free for a in ("--exclude-newer-package", f"{n}={later}"))]


# uv's hint when a package has no release before the cutoff that fits ("`atomicwrites` was
# filtered by `exclude-newer` ..."): the index may not hold the era's releases of every package
_FILTERED = re.compile(r"`([A-Za-z0-9._-]+)` was filtered by `exclude-newer`")


def _compile(env: Environment, requirements: Sequence[str], constraints: Path, cache: Path, key: str, era: Sequence[str] = ()) -> Outcome:
    source = cache / "resolved" / f".{key}.{os.getpid()}.in"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text("\n".join(requirements) + "\n")
    try:
        return env.uv_pip(
            "compile", "--index-url", index.index_url(), "-c", str(constraints), "--no-header", "--no-annotate",
            "--quiet", *era, str(source), timeout=600,
        )  # fmt: skip
    finally:
        source.unlink(missing_ok=True)


# Bumped when the way tools are resolved changes, so that a day's cached resolutions made the
# old way are not reused (they are keyed by their inputs, not by the code that made them).
RESOLUTION_SCHEME = 2


def _key(env: Environment, requirements: Sequence[str], constraints: Path, before: _dt.datetime | None) -> str:
    return _digest(
        RESOLUTION_SCHEME,
        env.interpreter.full_version, sorted(requirements), hashlib.sha256(constraints.resolve().read_bytes()).hexdigest(),
        _dt.date.today().isoformat(),  # unpinned tools move with the index: resolve again each day
        before.date().isoformat() if before else "",
    )  # fmt: skip


def relaxation(env: Environment, requirements: Sequence[str], constraints: Path, cache: Path, before: _dt.datetime | None = None) -> str:
    """What resolve_tools had to relax for these inputs ("" when nothing): the locks kept as
    floors, and the era its dependencies could not be held to."""
    cached = cache.resolve() / "resolved" / f"{_key(env, requirements, constraints, before)}.txt"
    lines = cached.read_text().splitlines() if cached.exists() else []
    said = [line[2:] for line in lines if line.startswith((f"# {RELAXED}", f"# {UNBOUNDED}", f"# {PARTLY}"))]
    return "; ".join(said)


UNBOUNDED = "not held to the era (their dependencies do not resolve as the index stood then, under the set):"
PARTLY = "held to the era but for the packages with no fitting release then on the index, taken at today's:"


def resolve_tools(env: Environment, requirements: Sequence[str], constraints: Path, cache: Path, before: _dt.datetime | None = None) -> dict[str, str]:
    """The tools' full closure under the set's constraints, for this environment's Python
    (cached for the day by inputs: Python, requirements, the constraints file's content, the
    era). `before`: the suite's era; the closure is resolved as the index stood then first (the
    set's own pins excepted, era_args), and as it stands today when that does not resolve."""
    key = _key(env, requirements, constraints, before)
    cached = cache / "resolved" / f"{key}.txt"
    if not cached.exists():
        header = ""
        out = None
        if before is not None:
            # Held to the era where the index has the era's releases: a package with none that
            # fits is let through at today's (and named), the others stay held.
            exempt: list[str] = []
            for _ in range(12):
                out = _compile(env, requirements, constraints, cache, key, era_args(constraints, before, exempt))
                more = [n for n in _FILTERED.findall(out.stderr + out.stdout) if canonicalize_name(n) not in exempt]
                if out.ok or not more:
                    break
                exempt += [canonicalize_name(n) for n in more]
            if out.ok and exempt:
                header = f"# {PARTLY} {before.date().isoformat()}: {', '.join(sorted(set(exempt)))}\n"
            elif not out.ok:
                header = f"# {UNBOUNDED} {before.date().isoformat()}\n"
        if out is None or not out.ok:
            out = _compile(env, requirements, constraints, cache, key)
        relaxed = [_relax(r) for r in requirements]
        if not out.ok and relaxed != list(requirements):
            # A suite's locked tools (requirements/tests.txt) may pin a tool that no longer fits
            # the set (jsonschema-path 0.3.4 needs referencing<0.37): keep each lock as a floor.
            again = _compile(env, relaxed, constraints, cache, key)
            if again.ok:
                moved = [f"{r} -> {x}" for r, x in zip(requirements, relaxed) if r != x]
                header += f"# {RELAXED} " + ", ".join(moved) + "\n"
                out = again
        if not out.ok:
            raise _failure("could not resolve the test tools " + " ".join(requirements) + " under the set's constraints", out)
        tmp = cached.with_name(f".{key}.{os.getpid()}.tmp")
        tmp.write_text(header + out.stdout)
        os.replace(tmp, cached)
    return {canonicalize_name(p.name): p.version for p in parse_pins(cached.read_text(), str(cached))}


def tools_folder(env: Environment, pins: Mapping[str, str], cache: Path, extra_index_urls: Sequence[str] = ()) -> Path | None:
    """The folder holding exactly `pins` (installed without dependencies, byte-compiled),
    made once per Python and set of pins; None when there is nothing to install.
    `extra_index_urls`: the set's own index (its constraints' `--extra-index-url`), which serves
    the channel's backport builds: a tool that needs one of the set's packages the environment
    lacks gets the set's build (`pyjwt==2.8.0+lts2024.2`), which the package index cannot offer."""
    if not pins:
        return None
    lines = sorted(f"{name}=={version}" for name, version in pins.items())
    folder = cache / f"py{env.interpreter.full_version}" / _digest(lines)
    if (folder / STAMP).exists():
        return folder
    with locked(folder.parent / f".{folder.name}.lock"):
        if (folder / STAMP).exists():
            return folder
        tmp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        out = env.uv_pip(
            "install", "--index-url", index.index_url(), *(a for url in extra_index_urls for a in ("--extra-index-url", url)),
            "--target", str(tmp), "--no-deps", "--compile-bytecode", *lines, timeout=900,
        )  # fmt: skip
        if not out.ok:
            shutil.rmtree(tmp, ignore_errors=True)
            raise _failure("could not install the test tools " + " ".join(lines), out)
        (tmp / STAMP).write_text("\n".join(lines) + "\n")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    return folder


def overlay(env: Environment, requirements: Sequence[str], constraints: Path, cache: Path, before: _dt.datetime | None = None) -> dict[str, str]:
    """Make `requirements` importable in `env` beside the set (replacing any previous
    overlay); returns the tool pins that came from the tools folder (not from the set).
    `before`: the era the tools' dependencies are held to (resolve_tools)."""
    remove(env)
    cache = cache.resolve()
    closure = resolve_tools(env, requirements, constraints.resolve(), cache, before)
    present = _installed_names(env)
    extra = {name: version for name, version in closure.items() if name not in present}
    from .constraints import index_urls

    folder = tools_folder(env, extra, cache, index_urls(constraints.read_text(encoding="utf-8")))
    if folder is not None:
        site = _site_packages(env)
        (site / PTH_NAME).write_text(_pth_text(site, folder))
    return extra


def _installed_names(env: Environment) -> set[str]:
    """Every distribution in the environment, pip and setuptools included."""
    out = env.uv_pip("list", "--format=json", timeout=120)
    if not out.ok:
        raise _failure("could not list the environment", out)
    return {canonicalize_name(d["name"]) for d in json.loads(out.stdout)}


def remove(env: Environment) -> None:
    (_site_packages(env) / PTH_NAME).unlink(missing_ok=True)
