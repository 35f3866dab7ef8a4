"""The podman calls `make docker-test` needs: build, inspect, mount, remove.

Builds run with `--isolation chroot --network host` (what works as root on a machine whose
sandbox refuses a container runtime: RUN steps execute, pip reaches the index) and
`--pull=never` (the stand-in base must never be swapped for something pulled).
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from ._exceptions import PodmanError

BUILD_TIMEOUT = 1200
QUERY_TIMEOUT = 120
COMPILERS = ("usr/bin/gcc", "usr/bin/cc", "usr/bin/c++", "usr/bin/make", "usr/bin/x86_64-linux-gnu-gcc", "usr/bin/aarch64-linux-gnu-gcc")



def tail(output: str, lines: int = 40) -> str:
    return "\n".join(output.rstrip().splitlines()[-lines:])


def run(args: list[str], timeout: float, what: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command (argument list), stdout and stderr together; raise with its output on failure."""
    proc = run_unchecked(args, timeout, what, cwd)
    if proc.returncode != 0:
        raise PodmanError(f"{what}: `{' '.join(args[:3])} …` exited {proc.returncode}:\n{tail(proc.stdout)}")
    return proc


def run_unchecked(args: list[str], timeout: float, what: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        raise PodmanError(f"{what}: no result after {timeout:.0f}s:\n{tail(out)}") from None
    except FileNotFoundError:
        raise PodmanError(f"{what}: {args[0]} not found") from None


class Podman:
    def __init__(self, executable: str = "podman") -> None:
        self.executable = executable

    def _build_args(self, context: Path, containerfile: Path, tag: str) -> list[str]:
        return [
            self.executable, "build", "--isolation", "chroot", "--network", "host", "--pull=never", "--no-cache",
            "-f", str(containerfile), "-t", tag,
        ]  # fmt: skip

    def build(self, context: Path, dockerfile: Path, tag: str, base: str, epoch: int) -> float:
        """Build an image of the matrix on `base` (replacing its FROM); seconds taken.

        `--timestamp` fixes the image's dates and every file's mtime in its layers;
        SOURCE_DATE_EPOCH (a build argument the Dockerfile declares) makes pip's .pyc files
        hash-based instead of stamped with the sources' mtimes."""
        args = self._build_args(context, dockerfile, tag)
        args += ["--from", base, "--timestamp", str(epoch), "--build-arg", f"SOURCE_DATE_EPOCH={epoch}", str(context)]
        started = time.monotonic()
        run(args, BUILD_TIMEOUT, f"podman build {dockerfile}")
        return time.monotonic() - started

    def build_raw(self, context: Path, containerfile: Path, tag: str) -> subprocess.CompletedProcess[str]:
        """Build a test image whose failure is a result, not an error: the caller reads the output."""
        # One layer, no intermediate images: a failed build leaves nothing behind.
        args = [*self._build_args(context, containerfile, tag), "--layers=false", str(context)]
        return run_unchecked(args, BUILD_TIMEOUT, f"podman build {tag}")

    def exists(self, image: str) -> bool:
        return run_unchecked([self.executable, "image", "exists", image], QUERY_TIMEOUT, "podman image exists").returncode == 0

    def inspect(self, image: str) -> dict:
        proc = run([self.executable, "image", "inspect", image], QUERY_TIMEOUT, f"podman image inspect {image}")
        return json.loads(proc.stdout)[0]

    def size(self, image: str) -> int:
        return int(self.inspect(image)["Size"])

    def layers(self, image: str) -> list[tuple[str, str]]:
        """(layer digest, the instruction that made it), base layers first."""
        data = self.inspect(image)
        digests = data["RootFS"]["Layers"]
        steps = [h.get("created_by", "") for h in data.get("History", []) if not h.get("empty_layer")]
        steps = [""] * (len(digests) - len(steps)) + steps[-len(digests):]
        # A RUN step with build arguments reads "|1 SOURCE_DATE_EPOCH=… /bin/sh -c <command>".
        return [(d, " ".join(s.split("/bin/sh -c ", 1)[-1].split())) for d, s in zip(digests, steps)]

    def remove(self, image: str) -> None:
        run_unchecked([self.executable, "rmi", "--force", image], QUERY_TIMEOUT, f"podman rmi {image}")

    def inspect_content(self, image: str, python: str) -> dict[str, object]:
        """What is in the image's file system besides the base: caches, compilers, the install's size."""
        root = Path(run([self.executable, "image", "mount", image], QUERY_TIMEOUT, f"podman image mount {image}").stdout.strip())
        try:
            caches = [p for p in ("root/.cache", "home/app/.cache", "tmp/flask-lts") if (root / p).exists()]
            compilers = [p for p in COMPILERS if (root / p).exists()]
            site = [root / f"usr/local/lib/python{python}" / d for d in ("site-packages", "dist-packages")]
            files = [f for d in site if d.is_dir() for f in d.rglob("*") if f.is_file() and not f.is_symlink()]
            return {
                "pip cache": ", ".join(f"/{p}" for p in caches) or "none",
                "compilers": ", ".join(f"/{p}" for p in compilers) or "none",
                "installed bytes": sum(f.stat().st_size for f in files),
                "pyc bytes": sum(f.stat().st_size for f in files if f.suffix == ".pyc"),
            }
        finally:
            run_unchecked([self.executable, "image", "unmount", image], QUERY_TIMEOUT, f"podman image unmount {image}")
