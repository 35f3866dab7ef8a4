"""Run inside a target environment (stdlib only, Python 3.8+): import every
top-level module of the named distributions, one at a time, and report
errors and warnings as JSON on stdout.

usage: python import_probe.py DIST [DIST ...]
"""

import importlib
import importlib.metadata as metadata
import json
import sys
import traceback
import warnings

SKIP = {"tests", "test", "testing", "docs", "doc", "examples", "example", "benchmarks", "scripts", "bin"}


def top_level_modules(dist):
    """Top-level importable names of a distribution: top_level.txt, else its RECORD."""
    text = dist.read_text("top_level.txt")
    names = set()
    if text:
        names = {line.strip() for line in text.splitlines() if line.strip()}
    else:
        for path in dist.files or []:
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
    return sorted(n.replace("/", ".") for n in names if n and n.isidentifier() and n not in SKIP and not n.endswith("-stubs"))


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
        modules = [probe(m) for m in top_level_modules(dist)]
        results.append({"distribution": name, "version": dist.version, "installed": True, "modules": modules})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
