"""Benchmarks of the maintainer pipeline: wall time of `resolve` and of `verify`
(per stage, per Python), warm (the machine's caches) and cold (empty pip, uv and
pip-tools caches, no cached sdists nor test tools, fresh tool environments). Prints a table;
nothing in the repository is written.

usage: python bench/bench.py resolve|verify|canaries [--cold] [--channel NAME ...] [--stages ...] [--jobs N]
                            [--counts 5,10]

`resolve` times, in one run and on the same input: `uv pip compile` alone on every
(channel, Python) two at a time (the floor), then `resolve` of the same channels starting
from the committed constraints (as a maintainer's `make resolve` does: pip-tools runs only
where pins change), then `refresh --dry-run` of the same channels; it prints each as a
ratio to the uv floor.

`canaries` runs every canary of one channel on its default Python (and, with `--counts`,
the first N of them, to show how the wall time grows with the number of canaries).

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
    parser.add_argument("what", choices=["resolve", "verify", "canaries"])
    parser.add_argument("--counts", help="canaries: also run the first N canaries, for each N (comma-separated)")
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
            floor = uv_floor(channels, env)
            rows.append((f"uv pip compile alone, every channel and Python, 2 at a time ({label})", "all", f"{floor:.1f}s", "1.0x"))
            out = Path(tmp) / "out"
            shutil.copytree(ROOT / "constraints", out)  # the previous constraints, as in the repository
            rc, seconds = run([*TOOLS, *common, "resolve", *channels, "--out-dir", str(out)], env)
            rows.append((f"resolve {' + '.join(channels)} ({label})", "all", f"{seconds:.1f}s", f"{seconds / floor:.1f}x" if rc == 0 else f"exit {rc}"))
            rc, seconds = run([*TOOLS, *common, "refresh", *channels, "--dry-run", "--constraints-dir", str(out)], env)
            rows.append((f"refresh {' + '.join(channels)} --dry-run ({label})", "all", f"{seconds:.1f}s", f"{seconds / floor:.1f}x" if rc == 0 else f"exit {rc}"))
        elif args.what == "canaries":
            (channel,) = channels if len(channels) == 1 else (None,)
            if channel is None:
                parser.error("canaries: name one --channel")
            sys.path.insert(0, str(ROOT / "scripts"))
            from flask_lts_tools.canaries import load_canaries, select

            names = [c.name for c in select(load_canaries(), channel)]
            counts = sorted({int(n) for n in args.counts.split(",")} | {len(names)}) if args.counts else [len(names)]
            for count in counts:
                cmd = [
                    *TOOLS, *common, "canaries", "--channel", channel, "--reports-dir", str(Path(tmp) / f"reports-{count}"),
                    "--work-dir", str(Path(tmp) / "work"), "--sdist-cache", str(sdists), "--testtools-cache", str(testtools),
                    "--no-verdicts", *(f"--canary={n}" for n in names[:count]),
                ]  # fmt: skip
                cmd += ["--jobs", str(args.jobs)] if args.jobs else []
                rc, seconds = run(cmd, env)
                rows.append((f"canaries of {channel}: {count} of {len(names)} ({label})", "default", f"{seconds:.1f}s", "all pass" if rc == 0 else f"exit {rc}"))
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


def uv_floor(channels: list[str], env: dict[str, str]) -> float:
    """Wall time of `uv pip compile --generate-hashes` alone on the resolver's own input for
    every (channel, Python), two at a time: what resolving cannot beat."""
    from concurrent.futures import ThreadPoolExecutor

    sys.path.insert(0, str(ROOT / "scripts"))
    from flask_lts_tools import index
    from flask_lts_tools.admission import admission_lines
    from flask_lts_tools.audit import default_advisory_dirs, load_advisories
    from flask_lts_tools.channel import find_channel_file, load_channel
    from flask_lts_tools.pythons import require_interpreters
    from flask_lts_tools.resolve import _input_files
    from flask_lts_tools.toolenv import uv_bin, uv_environ

    advisories = load_advisories(*default_advisory_dirs())
    jobs = []
    with tempfile.TemporaryDirectory(prefix="flask-lts-bench-uv-") as tmp:
        for name in channels:
            channel = load_channel(find_channel_file(name, ROOT / "channels"))
            interpreters = require_interpreters(channel.pythons, {}, f"channel {name}")
            for python in channel.pythons:
                folder = Path(tmp) / f"{name}-{python}"
                folder.mkdir()
                infile = _input_files(channel, python, folder, admission_lines(channel, python, advisories))
                jobs.append((folder, [
                    uv_bin(), "pip", "compile", "--quiet", "--generate-hashes", "--python", str(interpreters[python].path),
                    "--python-version", python, "--index-url", index.index_url(), "-o", "out.txt", infile.name,
                ]))  # fmt: skip
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=2) as pool:
            codes = list(pool.map(lambda job: subprocess.run(job[1], cwd=job[0], env=uv_environ(), capture_output=True).returncode, jobs))
        if any(codes):
            raise SystemExit(f"uv pip compile failed on {codes.count(1)} input(s)")
        return time.monotonic() - started


if __name__ == "__main__":
    sys.exit(main())
