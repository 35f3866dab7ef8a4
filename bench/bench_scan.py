"""Benchmark of `flask-lts scan`: wall time on a real corpus of at least 20,000 lines
(unpacked sdists of Flask, Werkzeug and other Flask projects), every rule applied
(--from 2022 --to 2026), best of several runs, in a fresh interpreter each run so
that imports count too. Prints a Markdown row; docs/benchmarks.md records it.

usage: python bench/bench_scan.py SDIST_OR_DIR... [--runs 5]
(e.g. pip download --no-deps --no-binary :all: flask==2.2.5 werkzeug==2.2.3 -d /tmp/corpus)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def unpack(sources: list[str], dest: Path) -> Path:
    for source in sources:
        path = Path(source)
        if path.is_dir():
            continue
        if path.name.endswith((".tar.gz", ".tgz")):
            with tarfile.open(path) as archive:
                archive.extractall(dest, filter="data") if sys.version_info >= (3, 12) else archive.extractall(dest)
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                archive.extractall(dest)
    return dest


def count(paths: list[str]) -> tuple[int, int]:
    files = lines = 0
    for top in paths:
        for root, _, names in os.walk(top):
            for name in names:
                if name.endswith(".py"):
                    files += 1
                    with open(os.path.join(root, name), "rb") as handle:
                        lines += handle.read().count(b"\n")
    return files, lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="+")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        unpack(args.sources, Path(tmp))
        paths = [tmp] + [s for s in args.sources if Path(s).is_dir()]
        files, lines = count(paths)
        code = ("import sys; from flask_lts.scan import CHANNELS, scan, select_rules; "
                "r = scan(sys.argv[1:], select_rules(CHANNELS['2022'], CHANNELS['2026'])); "
                "print(len(r.findings), r.files, len(r.skipped), round(r.seconds, 3))")  # fmt: skip
        env = dict(os.environ, PYTHONPATH=str(ROOT / "installer" / "src"))
        walls, out = [], ""
        for _ in range(args.runs):
            started = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", code, *paths], capture_output=True, text=True, env=env, timeout=600, check=True).stdout
            walls.append(time.perf_counter() - started)
    findings, scanned, skipped, inside = out.split()
    print("| corpus | files | lines | rules | findings | skipped | best wall (process) | scan only |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {len(args.sources)} sdists | {files} | {lines} | all (2022 → 2026) | {findings} | {skipped} | "
          f"{min(walls):.2f} s | {float(inside):.2f} s |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
