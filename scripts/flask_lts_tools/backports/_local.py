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


@contextlib.contextmanager
def served_index(channel: str, packages_dir: Path, folder: Path, timeout: float = 30) -> Iterator[str]:
    """The channel's part of the site (`<channel>/simple/`, `<channel>/packages/`), made from
    `packages/<channel>/` as `make site` makes it, served with http.server on 127.0.0.1 while
    the block runs. Yields the base URL standing in for the site's."""
    from . import site_files

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
