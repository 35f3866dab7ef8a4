"""Benchmarks of the maintainer pipeline: wall time of `resolve` and of `verify`
(per stage, per Python), warm (the machine's caches) and cold (empty pip, uv and
pip-tools caches, no cached sdists nor test tools, fresh tool environments). Prints a table;
nothing in the repository is written.

usage: python bench/bench.py resolve|verify [--cold] [--channel NAME ...] [--stages ...] [--jobs N]

`verify` runs every channel asked for in one invocation, as `make verify` does
(one pool of workers over every (channel, Python) pair).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = [sys.executable, "-m", "flask_lts_tools"]


def run(cmd: list[str], env: dict[str, str]) -> tuple[int, float]:
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, timeout=5400)
    return proc.returncode, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["resolve", "verify"])
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--channel", action="append")
    parser.add_argument("--stages")
    parser.add_argument("--jobs", type=int, help="verifications at once (default: the toolkit's)")
    args = parser.parse_args()
    channels = args.channel or sorted(p.stem for p in (ROOT / "channels").glob("*.toml"))
    with tempfile.TemporaryDirectory(prefix="flask-lts-bench-") as tmp:
        env = dict(os.environ, PYTHONPATH=str(ROOT / "scripts"))
        common = ["--tools-dir", str(ROOT / ".cache" / "tools")]
        sdists, testtools = ROOT / ".cache" / "sdists", ROOT / ".cache" / "testtools"
        if args.cold:
            sdists, testtools = Path(tmp) / "sdists", Path(tmp) / "testtools"
            env["XDG_CACHE_HOME"] = str(Path(tmp) / "xdg")
            env["PIP_CACHE_DIR"] = str(Path(tmp) / "pip-cache")
            env["UV_CACHE_DIR"] = str(Path(tmp) / "uv-cache")
            common = ["--tools-dir", str(Path(tmp) / "tools")]
        label = "cold" if args.cold else "warm"
        rows = []
        if args.what == "resolve":
            rc, seconds = run([*TOOLS, *common, "resolve", *channels, "--out-dir", str(Path(tmp) / "out")], env)
            rows.append((f"resolve {' + '.join(channels)} ({label})", "all", f"{seconds:.1f}s", "ok" if rc == 0 else f"exit {rc}"))
        else:
            reports = Path(tmp) / "reports"
            # The committed reports only order the work (longest first), as in `make verify`.
            shutil.copytree(ROOT / "reports", reports, dirs_exist_ok=True)
            cmd = [
                *TOOLS, *common, "verify", *(f"--channel={c}" for c in channels), "--reports-dir", str(reports),
                "--work-dir", str(Path(tmp) / "work"), "--sdist-cache", str(sdists), "--testtools-cache", str(testtools),
            ]  # fmt: skip
            cmd += ["--stages", args.stages] if args.stages else []
            cmd += ["--jobs", str(args.jobs)] if args.jobs else []
            rc, total = run(cmd, env)
            for channel in channels:
                for report in sorted((reports / channel).glob("py*.json"), key=lambda p: [int(x) for x in p.stem[2:].split(".")]):
                    data = json.loads(report.read_text())
                    for stage in data["stages"]:
                        rows.append((f"  {channel} {stage['name']}", f"py{data['python']}", f"{stage['seconds']:.1f}s", stage["status"]))
                    rows.append((f"  {channel} all stages", f"py{data['python']}", f"{data['seconds']:.1f}s", data["status"]))
            rows.append((f"verify {' + '.join(channels)} ({label}), wall", "all", f"{total:.1f}s", "ok" if rc == 0 else f"exit {rc}"))
        width = max(len(r[0]) for r in rows)
        print(f"{'what'.ljust(width)}  python  {'wall':>8}  result")
        for what, python, wall, result in rows:
            print(f"{what.ljust(width)}  {python:<6}  {wall:>8}  {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
