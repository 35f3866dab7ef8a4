"""Benchmarks of the maintainer pipeline: wall time of `resolve` and of `verify`
(per stage, per Python), warm (the machine's caches) and cold (empty pip and
pip-tools caches, fresh tool environments). Prints a table; nothing in the
repository is written.

usage: python bench/bench.py resolve|verify [--cold] [--channel NAME ...] [--stages ...]
"""

from __future__ import annotations

import argparse
import json
import os
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
    args = parser.parse_args()
    channels = args.channel or sorted(p.stem for p in (ROOT / "channels").glob("*.toml"))
    with tempfile.TemporaryDirectory(prefix="flask-lts-bench-") as tmp:
        env = dict(os.environ, PYTHONPATH=str(ROOT / "scripts"))
        common = ["--tools-dir", str(ROOT / ".cache" / "tools")]
        if args.cold:
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
            total = 0.0
            for channel in channels:
                cmd = [*TOOLS, *common, "verify", "--channel", channel, "--reports-dir", str(reports), "--work-dir", str(Path(tmp) / "work")]
                if args.stages:
                    cmd += ["--stages", args.stages]
                rc, seconds = run(cmd, env)
                total += seconds
                rows.append((f"verify {channel} ({label})", "all", f"{seconds:.1f}s", "ok" if rc == 0 else f"exit {rc}"))
                for report in sorted((reports / channel).glob("py*.json")):
                    data = json.loads(report.read_text())
                    for stage in data["stages"]:
                        rows.append((f"  {channel} {stage['name']}", f"py{data['python']}", f"{stage['seconds']:.1f}s", stage["status"]))
            rows.append((f"verify total ({label})", "", f"{total:.1f}s", ""))
        width = max(len(r[0]) for r in rows)
        print(f"{'what'.ljust(width)}  python  {'wall':>8}  result")
        for what, python, wall, result in rows:
            print(f"{what.ljust(width)}  {python:<6}  {wall:>8}  {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
