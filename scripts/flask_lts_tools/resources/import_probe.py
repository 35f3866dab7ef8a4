"""Run inside a target environment (stdlib only, Python 3.8+): import every
top-level module of the named distributions, and the modules their plugin entry
points name (pytest11, flask.commands: what pytest and the flask command load on
their own), one at a time, and report errors and warnings as JSON on stdout.

usage: python import_probe.py DIST [DIST ...]
"""

import importlib
import importlib.metadata as metadata
import importlib.util
import json
import sys
import traceback
import warnings

SKIP = {"tests", "test", "testing", "docs", "doc", "examples", "example", "benchmarks", "scripts", "bin"}


def _installed_top_level(dist):
    """Top-level module and package names among the files the distribution installed
    (its RECORD), or None when it lists no files."""
    if dist.files is None:
        return None
    names = set()
    for path in dist.files:
        parts = path.parts
        if not parts or parts[0].endswith((".dist-info", ".egg-info", ".data")) or parts[0] in ("..", "__pycache__"):
            continue
        if len(parts) == 1:
            name = parts[0]
            if name.endswith(".py"):
                names.add(name[:-3])
            elif name.endswith((".so", ".pyd")):
                names.add(name.split(".")[0])
        elif parts[1] == "__init__.py" or parts[-1].endswith(".py"):
            names.add(parts[0])
    return names


def _is_egg_info(dist):
    path = getattr(dist, "_path", None)
    return path is not None and str(path).rstrip("/\\").endswith(".egg-info")


def top_level_modules(dist):
    """Top-level importable names of a distribution: top_level.txt, kept to the names its
    RECORD shows were installed (bcrypt 3.2 declares `_bcrypt`, which lives in the
    package as `bcrypt._bcrypt`); the RECORD alone when there is no top_level.txt."""
    text = dist.read_text("top_level.txt")
    declared = {line.strip() for line in (text or "").splitlines() if line.strip()}
    installed = _installed_top_level(dist)
    if installed is None:
        names = declared
    elif declared and declared & installed:
        names = declared & installed
    elif declared and _is_egg_info(dist):
        # installed by `setup.py install` (no wheel): before Python 3.12 the egg-info's file list
        # is its SOURCES.txt, the source tree (`lib/sqlalchemy/...`, `setup.py`), not what was
        # installed; top_level.txt is what setuptools wrote for the install
        names = declared
    else:
        names = installed
    return sorted(n.replace("/", ".") for n in names if n and n.isidentifier() and n not in SKIP and not n.endswith("-stubs"))


# entry-point group -> the program that loads it: a group is probed only where its
# program is installed (anyio's pytest plugin needs pytest, which a set rarely holds)
PLUGIN_GROUPS = {"pytest11": "pytest", "flask.commands": "flask"}


def plugin_modules(dist):
    """The modules a distribution's plugin entry points name: pytest imports a pytest11
    module at start-up, the flask command a flask.commands one, whatever the user imports."""
    names = []
    for ep in dist.entry_points:
        if ep.group in PLUGIN_GROUPS and importlib.util.find_spec(PLUGIN_GROUPS[ep.group]) is not None:
            module = ep.value.split(":")[0].strip()
            if module and module not in names:
                names.append(module)
    return names


def probe(module):
    entry = {"module": module, "ok": True, "warnings": []}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            importlib.import_module(module)
        except BaseException as exc:  # an import may raise anything, SystemExit included
            entry["ok"] = False
            entry["error"] = "%s: %s" % (type(exc).__name__, exc)
            entry["traceback"] = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-6:])
    for w in caught:
        entry["warnings"].append(
            {"category": w.category.__name__, "message": str(w.message), "filename": w.filename, "lineno": w.lineno}
        )
    return entry


def main(dists):
    results = []
    for name in dists:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            results.append({"distribution": name, "installed": False, "modules": []})
            continue
        top = top_level_modules(dist)
        modules = [probe(m) for m in top + [m for m in plugin_modules(dist) if m not in top]]
        results.append({"distribution": name, "version": dist.version, "installed": True, "modules": modules})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
