"""A channel's own index served on this machine, for what must install from it before the site
is deployed (or where the site cannot be reached): the refresh's verification of a candidate
and `make docker-test`. The constraints name the site's index; a copy of them is pointed at the
local one, the only line that changes.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

from .._exceptions import BackportError
from ..constraints import index_urls
from ._published import site_files


@contextlib.contextmanager
def served_index(channel: str, packages_dir: Path, folder: Path, timeout: float = 30) -> Iterator[str]:
    """The channel's part of the site (`<channel>/simple/`, `<channel>/packages/`), made from
    `packages/<channel>/` as `make site` makes it, served with http.server on 127.0.0.1 while
    the block runs. Yields the base URL standing in for the site's."""
    files = site_files([channel], packages_dir)
    if not files:
        raise BackportError(f"{packages_dir / channel}: no published builds, but the channel's constraints name its index; "
                              f"run flask-lts-tools backport publish {channel}, or make resolve CHANNEL={channel}")
    for relative, data in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(data)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{url}{channel}/simple/", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise BackportError(f"the channel {channel}'s index could not be served on {url}") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def point_at(context: Path, channel: str, base_url: str) -> list[str]:
    """Make the copied context's files name the locally served index instead of the site's:
    the `--extra-index-url` line is the only one that changes. The URLs replaced, sorted."""
    local = f"{base_url}{channel}/simple/"
    replaced = set()
    for path in sorted(p for p in context.rglob("*.txt") if p.is_file()):
        text = path.read_text(encoding="utf-8")
        urls = index_urls(text)
        if urls:
            replaced.update(urls)
            for url in urls:
                text = text.replace(f"--extra-index-url {url}\n", f"--extra-index-url {local}\n")
            path.write_text(text, encoding="utf-8")
    return sorted(replaced)


class LocalIndexes:
    """The channels' own indexes served on this machine while the block runs, one server per
    channel, for tools that install a channel's files on a machine that may not reach the site
    (`make verify`, `make canaries`): `constraints(channel, path)` gives a copy of `path` whose
    `--extra-index-url` names the served index (None when `path` names no index, so nothing is
    served and pip reads `path` itself). The builds are the published ones of `packages/<channel>/`
    with the same sha256, so pip installs the same bytes it would get from the site."""

    def __init__(self, packages_dir: Path, log=None) -> None:
        self.packages_dir = packages_dir
        self.log = log or (lambda message: None)
        self._stack = contextlib.ExitStack()
        self._bases: dict[str, str] = {}

    def __enter__(self) -> "LocalIndexes":
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def base(self, channel: str) -> str:
        """The base URL of the channel's index served here (started on first use, stopped with
        the block), standing in for the site's."""
        import tempfile

        if channel not in self._bases:
            site = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix=f"flask-lts-index-{channel}-")))
            self._bases[channel] = self._stack.enter_context(served_index(channel, self.packages_dir, site))
        return self._bases[channel]

    def constraints(self, channel: str, path: Path) -> Path | None:
        import shutil
        import tempfile

        if not index_urls(path.read_text(encoding="utf-8")):
            return None
        base = self.base(channel)
        folder = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix=f"flask-lts-constraints-{channel}-")))
        copy = folder / path.name
        shutil.copyfile(path, copy)
        replaced = point_at(folder, channel, base)
        self.log(f"{path}: its index {', '.join(replaced)} is served from {self.packages_dir / channel} on {base}")
        return copy

    def point(self, folder: Path) -> list[str]:
        """Every constraints file under `folder` (a copy: changed in place) that names a channel's
        index (`…/<channel>/simple/`) names that index served here instead. The URLs replaced."""
        import re

        replaced: set[str] = set()
        for path in sorted(p for p in folder.rglob("*.txt") if p.is_file()):
            text = original = path.read_text(encoding="utf-8")
            for url in index_urls(text):
                match = re.search(r"/([^/]+)/simple/?$", url)
                if match is None or url.startswith(tuple(self._bases.values())):
                    continue
                local = f"{self.base(match.group(1))}{match.group(1)}/simple/"
                text = text.replace(f"--extra-index-url {url}\n", f"--extra-index-url {local}\n")
                replaced.add(url)
            if text != original:
                path.write_text(text, encoding="utf-8")
        for url in sorted(replaced):
            self.log(f"{folder}: its index {url} is served from {self.packages_dir} on 127.0.0.1")
        return sorted(replaced)
