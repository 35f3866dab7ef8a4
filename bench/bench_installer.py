"""Benchmarks of the installer package: wheel size, `flask-lts check` wall time, and the
install time of `flask-lts[all]` against `pip install -c constraints/... <same packages>`.

Builds the channel's files (`flask-lts-tools dist`) into a temporary directory, serves them
from a local pypiserver on 127.0.0.1, and installs into fresh virtual environments on the
channel's default Python, with pip's cache warm (one warm-up run of each flow first).
Prints Markdown tables; nothing in the repository is written (docs/installer.md records them).

usage: python bench/bench_installer.py [--channel 2024] [--runs 3] [--check-runs 30]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from flask_lts_tools._output import markdown_table  # noqa: E402
from flask_lts_tools.channel import load_channel  # noqa: E402
from flask_lts_tools.dist import build, dist_filenames, installer_version  # noqa: E402
from flask_lts_tools.pythons import require_interpreters  # noqa: E402


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PIP_CONSTRAINT")}
    env.update(extra)
    return env


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, env=env or clean_env(), stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1) or "Traceback" in proc.stderr:
        raise SystemExit(f"{cmd} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return seconds


def serve(directory: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "pypi-server"), "run", "-i", "127.0.0.1", "-p", str(port),
         "-P", ".", "-a", ".", "--disable-fallback", str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/simple/"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return server, url
        except OSError:
            if time.monotonic() > deadline:
                server.kill()
                raise SystemExit("pypiserver did not start") from None
            time.sleep(0.2)


def wheel_sizes(wheel: Path, sdist: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        members = sorted(archive.infolist(), key=lambda i: -i.compress_size)
    code = sum(i.compress_size for i in members if i.filename.endswith(".py"))
    hashes = sum(i.compress_size for i in members if i.filename.endswith("-hashes.txt"))
    plain = sum(i.compress_size for i in members if i.filename.endswith(".txt") and not i.filename.endswith("-hashes.txt"))
    rows = [
        ["wheel (whole file)", f"{wheel.stat().st_size / 1024:.1f} KiB"],
        ["  hashed constraints file (compressed)", f"{hashes / 1024:.1f} KiB"],
        ["  plain constraints files, merged + per Python (compressed)", f"{plain / 1024:.1f} KiB"],
        ["  code (compressed)", f"{code / 1024:.1f} KiB"],
        ["sdist", f"{sdist.stat().st_size / 1024:.1f} KiB"],
    ]
    return markdown_table(["file", "size"], rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channel", default="2024")
    parser.add_argument("--python", help="default: the channel's default Python")
    parser.add_argument("--runs", type=int, default=3, help="measured installs per flow")
    parser.add_argument("--check-runs", type=int, default=30)
    args = parser.parse_args()
    channel = load_channel(ROOT / "channels" / f"{args.channel}.toml")
    version = installer_version(channel)
    python = args.python or channel.default_python
    interpreter = require_interpreters([python])[python]
    constraints = ROOT / "constraints" / f"flask-lts-{channel.name}.txt"
    packages = [str(p) for p in channel.top_packages()]

    with tempfile.TemporaryDirectory(prefix="flask-lts-bench-") as tmp_name:
        tmp = Path(tmp_name)
        build(channel, ROOT / "constraints", ROOT / "installer", tmp / "dist")
        sdist, wheel = (tmp / "dist" / name for name in dist_filenames(version))
        print(f"## flask-lts {version}: sizes\n\n{wheel_sizes(wheel, sdist)}\n", flush=True)
        server, simple = serve(tmp / "dist")
        try:
            venv_count = 0

            def fresh() -> Path:
                nonlocal venv_count
                venv_count += 1
                path = tmp / f"venv{venv_count}"
                subprocess.run([str(interpreter.path), "-m", "venv", str(path)], check=True, timeout=300)
                return path

            def pip(venv: Path) -> list[str]:
                return [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]

            index = ["--extra-index-url", simple]

            def constraints_only(venv: Path) -> float:
                return timed([*pip(venv), "-c", str(constraints), *packages])

            def constraints_only_same_indexes(venv: Path) -> float:
                return timed([*pip(venv), *index, "-c", str(constraints), *packages])

            def meta_with_constraints(venv: Path) -> float:
                return timed([*pip(venv), *index, "-c", str(constraints), f"flask-lts[all]=={version}"])

            def documented_flow(venv: Path) -> float:
                return (
                    timed([*pip(venv), *index, f"flask-lts=={version}"])
                    + timed([str(venv / "bin" / "flask-lts"), "use"])
                    + timed([*pip(venv), *index, f"flask-lts[all]=={version}"])
                )

            def meta_alone(venv: Path) -> float:
                return timed([*pip(venv), *index, f"flask-lts[all]=={version}"])

            flows = {
                f"pip install -c constraints/{constraints.name} <{len(packages)} packages>": constraints_only,
                "same, with --extra-index-url <local index> (as the flows below)": constraints_only_same_indexes,
                f'pip install -c constraints/{constraints.name} "flask-lts[all]=={version}"': meta_with_constraints,
                f"documented: pip install flask-lts=={version}; flask-lts use; pip install flask-lts[all]": documented_flow,
                f'pip install "flask-lts[all]=={version}" (series bounds only, no constraints)': meta_alone,
            }
            rows = []
            last_venv = None
            for label, flow in flows.items():
                flow(fresh())  # warm pip's cache for this flow
                times = []
                for _ in range(args.runs):
                    last_venv = fresh()
                    times.append(flow(last_venv))
                rows.append([label, f"{statistics.median(times):.1f}s", f"{min(times):.1f}s", f"{max(times):.1f}s"])
                print(f"{label}: {', '.join(f'{t:.1f}s' for t in times)}", file=sys.stderr, flush=True)
            print(f"## install of everything, Python {interpreter.full_version}, warm pip cache, fresh venv each run\n")
            print(markdown_table(["flow", "median", "min", "max"], rows) + "\n", flush=True)

            # `flask-lts check` in the last environment (the whole channel installed).
            assert last_venv is not None
            rows = []
            for label, cmd in {
                "flask-lts check": [str(last_venv / "bin" / "flask-lts"), "check"],
                "python -m flask_lts check": [str(last_venv / "bin" / "python"), "-m", "flask_lts", "check"],
                "python -c pass (interpreter start-up, for scale)": [str(last_venv / "bin" / "python"), "-c", "pass"],
            }.items():
                timed(cmd)
                times = sorted(timed(cmd) for _ in range(args.check_runs))
                p90 = times[int(0.9 * (len(times) - 1))]
                rows.append([label, f"{statistics.median(times) * 1000:.0f} ms", f"{times[0] * 1000:.0f} ms", f"{p90 * 1000:.0f} ms"])
            print(f"## wall time, whole process, {args.check_runs} runs, {len(packages)}+ packages installed\n")
            print(markdown_table(["command", "median", "min", "p90"], rows))
        finally:
            server.terminate()
            server.wait(timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
