"""A stand-in for the official `python:<X.Y>-slim` images, made from Debian's own packages.

The official images cannot be pulled where `make docker-test` runs, but Debian's archive can
be reached. A stand-in gives the channel's Dockerfiles what they rely on: `python` and
`pip` on PATH in /usr/local/bin, no EXTERNALLY-MANAGED marker (pip may install as root),
everything readable by a non-root user, and a CA store pip trusts. What it differs in from
the official images is in docs/docker.md ("The stand-in base").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

from ._exceptions import StandInError
from ._podman import Podman, run

# Debian's own interpreter per release: bookworm ships 3.11, trixie 3.13.
STAND_INS = {"3.11": "bookworm", "3.13": "trixie"}
MIRROR = "http://deb.debian.org/debian"
IMAGE = "localhost/flask-lts-stand-in"
PACKAGES = ("python3", "python3-pip", "ca-certificates")
# As debian:<suite>-slim does: no documentation, manual pages or translations.
PATH_EXCLUDES = ("/usr/share/doc/*", "/usr/share/man/*", "/usr/share/info/*", "/usr/share/locale/*")
# Where update-ca-certificates takes locally added authorities from (a TLS-intercepting
# proxy's, for instance); the hook carries them into the base so pip reaches the index.
LOCAL_CAS = Path("/usr/local/share/ca-certificates")
TOOLS = {"podman": "podman", "mmdebstrap": "mmdebstrap"}  # command -> Debian package
BASE_TIMEOUT = 900
APT_TIMEOUT = 900

# Runs with the new root file system as $1, on the host.
HOOK = """set -e
root="$1"
rm -f "$root"/usr/lib/python3*/EXTERNALLY-MANAGED
for n in python python3; do ln -sf /usr/bin/python3 "$root/usr/local/bin/$n"; done
for n in pip pip3; do ln -sf /usr/bin/pip3 "$root/usr/local/bin/$n"; done
if [ -d "{cas}" ] && [ -n "$(ls -A "{cas}")" ]; then
    cp -r "{cas}/." "$root/usr/local/share/ca-certificates/"
    chroot "$root" update-ca-certificates >/dev/null
fi
"""



def ensure_tools(log: Callable[[str], None]) -> None:
    """podman and mmdebstrap, installed with apt when missing and this is root on Debian."""
    missing = [cmd for cmd in TOOLS if shutil.which(cmd) is None]
    if not missing:
        return
    packages = [TOOLS[cmd] for cmd in missing]
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise StandInError(f"{', '.join(missing)} not found; install them (Debian: apt-get install {' '.join(packages)}) and re-run")
    log(f"installing {' '.join(packages)} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for args in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=APT_TIMEOUT, env=env)
        if proc.returncode != 0:
            raise StandInError(f"{' '.join(args)} exited {proc.returncode}:\n{proc.stdout[-3000:]}")


class StandIn:
    """The stand-in base for one Python: Debian `<suite>` with its python3, as a podman image."""

    def __init__(self, python: str) -> None:
        if python not in STAND_INS:
            raise StandInError(f"Python {python}: no Debian release here ships it; stand-in bases exist for {', '.join(STAND_INS)}")
        self.python = python
        self.suite = STAND_INS[python]
        self.image = f"{IMAGE}:python{python}"

    @property
    def description(self) -> str:
        return f"Debian {self.suite} python3"

    def ensure(self, podman: Podman, fresh: bool, log: Callable[[str], None]) -> None:
        """Build the base unless podman already has it (or `fresh` asks for a new one)."""
        if not fresh and podman.exists(self.image):
            log(f"{self.image}: reusing the stand-in base podman has (--fresh-base rebuilds it)")
            return
        with tempfile.TemporaryDirectory(prefix="flask-lts-stand-in-") as tmp:
            hook = Path(tmp) / "hook.sh"
            hook.write_text(HOOK.replace("{cas}", str(LOCAL_CAS)), encoding="utf-8")
            tarball = Path(tmp) / f"{self.suite}.tar"
            log(f"mmdebstrap {self.suite} ({', '.join(PACKAGES)})")
            args = [
                "mmdebstrap", "--variant=minbase", f"--include={','.join(PACKAGES)}",
                "--hook-dir=/usr/share/mmdebstrap/hooks/maybe-merged-usr",
                *(f"--dpkgopt=path-exclude={p}" for p in PATH_EXCLUDES),
                f"--customize-hook=sh {hook} \"$1\"",
                self.suite, str(tarball), MIRROR,
            ]  # fmt: skip
            run(args, BASE_TIMEOUT, f"mmdebstrap {self.suite}")
            changes = [
                "ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
                "ENV LANG=C.UTF-8",
                'CMD ["python3"]',
                f"LABEL io.github.flask-lts.stand-in=\"python:{self.python}-slim from Debian {self.suite}'s packages\"",
            ]
            log(f"podman import as {self.image}")
            run(["podman", "import", *(a for c in changes for a in ("--change", c)), str(tarball), self.image], BASE_TIMEOUT, "podman import")
        log(f"{self.image}: ready")
