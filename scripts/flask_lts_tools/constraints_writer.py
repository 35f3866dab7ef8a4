"""The output format of constraints files, in one place: the body (one line per pin,
hashes, `# via`), the header every generated file carries (what it is, how to use it,
how it was made and how to remake it), and the set of files one channel publishes.

A published file holds `name==version` lines and, only when it pins one of the channel's
backport builds, one option line naming the channel's own index (docs/backports.md); never
another index, a find-links folder or a path of the machine that made it (`check_options`).
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import Callable, Iterable, Sequence

from . import _layout as layout
from ._exceptions import ConstraintsError
from ._files import atomic_write_many
from .channel import Channel
from .constraints import Pin
from .backports._index import with_index
from .resolve import ChannelResolution
from .toolenv import PIP_TOOLS_PAIR, uv_version



def render(header: str, pins: Sequence[Pin], hashes: bool = False, annotate: bool = True) -> str:
    """The constraints file text: header, then one sorted line per pin."""
    lines = [header.rstrip("\n"), ""] if header else []
    for pin in pins:
        req = pin.requirement()
        if hashes:
            if not pin.hashes:
                raise ConstraintsError(f"{pin.name}=={pin.version}: no hashes known; cannot write a hashed file")
            lines.append(req + " \\")
            for i, digest in enumerate(pin.hashes):
                lines.append(f"    --hash={digest}" + (" \\" if i < len(pin.hashes) - 1 else ""))
        else:
            lines.append(req)
        if annotate and pin.via:
            lines.append("    # via " + ", ".join(pin.via))
    return "\n".join(lines) + "\n"


_OPTION = re.compile(r"^\s*(-[^\s=]+)")


def check_options(text: str, channel: str, index_url: str | None, source: str) -> None:
    """ConstraintsError unless the only option line (hash continuations aside) is
    `--extra-index-url <index_url>`, and that URL is the channel's own index (`.../<channel>/simple/`
    over http(s)): nothing else of the machine that resolved may leak into a published file."""
    allowed = None
    if index_url is not None:
        if not re.fullmatch(rf"https?://[^\s/]+(/\S*)?/{re.escape(channel)}/simple/", index_url):
            raise ConstraintsError(f"{source}: {index_url!r} is not a channel index URL (http(s)://…/{channel}/simple/); "
                                   "pass the site's base URL")
        allowed = f"--extra-index-url {index_url}"
    for number, line in enumerate(text.splitlines(), start=1):
        match = _OPTION.match(line)
        if match is None or match.group(1) == "--hash" or line.lstrip().startswith("#"):
            continue
        if line.strip() != allowed:
            raise ConstraintsError(f"{source}:{number}: option line {line.strip()!r} must not be published; a constraints file "
                                   "names no index but its channel's own (docs/backports.md)")


def comment_block(lines: Iterable[str]) -> str:
    return "\n".join(("# " + line).rstrip() for line in lines)



def _header(channel: Channel, title: str, usage: list[str], made_on: str) -> str:
    flask = channel.core.get("flask")
    werkzeug = channel.core.get("werkzeug")
    lines = [
        "",
        title,
        f"Channel {channel.name}: Flask {flask} / Werkzeug {werkzeug} series;",
        f"released {channel.release_date}, bug fixes until {channel.bugfix_until}, "
        f"security fixes until {channel.security_until}.",
        f"Supported Python: {', '.join(channel.pythons)}" + (f" (planned: {', '.join(channel.planned_pythons)})" if channel.planned_pythons else "") + ".",
        "",
        *usage,
        "",
        "This file is generated; do not edit it. Remake it with:",
        f"    make resolve CHANNEL={channel.name}",
        f"from channels/{channel.name}.toml (serial {channel.version}), resolved with uv {uv_version()} on each",
        "supported Python (--universal for other platforms); every pin that changes is resolved",
        f"again with {PIP_TOOLS_PAIR[1].replace('==', ' ')} ({PIP_TOOLS_PAIR[0].replace('==', ' ')}), the reference, whose pins are used.",
        f"Made on {made_on}.",
        "",
    ]
    return comment_block(lines)


_MADE_ON = re.compile(r"^# Made on (\d{4}-\d{2}-\d{2})\.$", re.M)


def _content(text: str) -> list[str]:
    """A constraints file without its comments: what pip reads."""
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _keep_date(path: Path, text_for: Callable[[str], str], today: str, serial: str = "") -> str:
    """Rerunning is byte-identical: the old 'Made on' date is kept when nothing else changed,
    and the old file is kept whole when only its comments would change (a newer header
    wording) while it already names this serial, so a published serial never changes."""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        match = _MADE_ON.search(old)
        if match and text_for(match.group(1)) == old:
            return old
        new = text_for(today)
        if serial and f"(serial {serial})" in old and _content(old) == _content(new):
            return old
        return new
    return text_for(today)


def constraint_files(resolution: ChannelResolution, out_dir: Path, today: _dt.date | None = None) -> dict[Path, str]:
    """Every file of the channel -> its text (nothing written)."""
    channel = resolution.channel
    today_s = (today or _dt.date.today()).isoformat()
    files: dict[Path, str] = {}
    pythons = ", ".join(channel.pythons)
    merged_name = layout.constraints_name(channel.name)
    hashed_name = layout.hashed_constraints_name(channel.name)

    def text_for(header: str, pins: Sequence[Pin], hashes: bool) -> str:
        text = render(header, pins, hashes=hashes)
        return text if resolution.index_url is None else with_index(text, resolution.index_url)

    def add(path: Path, title: str, usage: list[str], pins: Sequence[Pin], hashes: bool) -> None:
        files[path] = _keep_date(path, lambda d: text_for(_header(channel, title, usage, d), pins, hashes), today_s, channel.version)
        check_options(files[path], channel.name, resolution.index_url, str(path))

    add(
        out_dir / merged_name,
        f"{merged_name}: Flask LTS {channel.name} constraints, one file for Python {pythons}",
        [
            "Use it as a constraints file; name only the packages you want:",
            f"    pip install -c {merged_name} flask flask-login flask-sqlalchemy",
            "Lines with python_version markers pin a package differently by Python.",
        ],
        resolution.merged,
        False,
    )
    add(
        out_dir / hashed_name,
        f"{hashed_name}: Flask LTS {channel.name}, every pin with its hashes (Python {pythons})",
        [
            "A requirements file for a hash-checked install of the whole channel:",
            f"    pip install --require-hashes -r {hashed_name}",
            "As a constraints file (-c) it works only with pip >= 26.1 and only when it covers",
            "everything installed; older pip refuses it. See docs/constraints.md.",
        ],
        resolution.exact,
        True,
    )
    for result in resolution.results:
        py = result.python
        pins = sorted(result.resolution.pins.values(), key=lambda p: p.name)
        per = layout.per_python_file(channel.name, py, constraints_dir=out_dir)
        add(
            per,
            f"{channel.name}/py{py}.txt: Flask LTS {channel.name} constraints for Python {py} only",
            [f"    pip install -c py{py}.txt flask flask-login"],
            pins,
            False,
        )
        add(
            layout.per_python_file(channel.name, py, hashes=True, constraints_dir=out_dir),
            f"{channel.name}/py{py}-hashes.txt: Flask LTS {channel.name} for Python {py}, with hashes",
            [
                f"    pip install --require-hashes -r py{py}-hashes.txt   (the whole channel)",
                "As -c only with pip >= 26.1 (Python >= 3.10); see docs/constraints.md.",
            ],
            pins,
            True,
        )
    return files


def write_constraints(resolution: ChannelResolution, out_dir: Path, today: _dt.date | None = None) -> list[Path]:
    files = constraint_files(resolution, out_dir, today)
    atomic_write_many(files)
    return sorted(files)


def stale_constraint_files(resolution: ChannelResolution, out_dir: Path, today: _dt.date | None = None) -> list[Path]:
    """The files `write_constraints` would change (nothing written): `make resolve-check`."""
    return [
        path for path, text in constraint_files(resolution, out_dir, today).items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]  # fmt: skip
