"""Make a setuptools sdist reproducible, as flit_core's already are.

setuptools (68, the era of the frozen setup.cfg projects) honours SOURCE_DATE_EPOCH for the
wheel (through `wheel`) but not for the sdist: its tar records each file's time on the build
machine, the building user and group, the file modes as the umask left them, and its gzip
header the time of the build. The same patches then give other bytes on every build. This
rewrites the sdist with the same members, in the same order, with those fields fixed (as
Debian's strip-nondeterminism does): every time the SOURCE_DATE_EPOCH, owner root (0/0, no
names), modes 0644 (0755 for directories and executables), gzip header time the epoch.
"""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

# Backends whose sdists need it; flit_core's are reproducible as made (and already published).
BACKENDS = ("setuptools",)


def needs_normalising(build_requires: tuple[str, ...] | list[str]) -> bool:
    """Whether the pinned backend writes non-reproducible sdists."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    return any(canonicalize_name(Requirement(r).name) in BACKENDS for r in build_requires)


def normalise_sdist(path: Path, epoch: int) -> None:
    """Rewrite the sdist at `path` so that its bytes depend only on its members' names and contents."""
    with tarfile.open(path, "r:gz") as source:
        members = [(m, source.extractfile(m).read() if m.isfile() else None) for m in source.getmembers()]  # type: ignore[union-attr]
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=epoch) as compressed:
        with tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as target:
            for member, data in members:
                member.mtime = epoch
                member.uid = member.gid = 0
                member.uname = member.gname = ""
                member.mode = 0o755 if member.isdir() or member.mode & 0o111 else 0o644
                member.pax_headers = {}
                target.addfile(member, io.BytesIO(data) if data is not None else None)
    partial = path.with_name(f".{path.name}.tmp")
    partial.write_bytes(buffer.getvalue())
    partial.replace(path)
