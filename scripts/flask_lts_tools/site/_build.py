"""Build the static site: the published archive verbatim, the aliases, the pages and the API.

Every file is first computed into memory (relative path -> bytes), then written to a
staging folder that replaces the output folder in one rename, so a failed build leaves
the previous site as it was. Output depends only on the inputs and `today`.
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .. import _layout as layout
from .. import backports
from .._exceptions import SiteError
from ..audit import load_advisories
from ..channel import Channel, load_channels
from ..docker import newest_supported
from ..verify.stages import stage_names
from ._api import channels_json, endoflife_json
from ._archive import CHECKSUMS, PublishedSerial, archive_serial, hashed_name, merged_name, read_archive
from ._model import ChannelView, channel_view
from ._timeline import COMPACT, WIDE, timeline_svg
from ..upgrade_report import compact_api
from ._upgrade import read_upgrade_reports, upgrade_page_name

from .._resources import SITE_TEMPLATES as RESOURCES
_STATIC = ("style.css", "favicon.svg")
_DECISION_STATES = {
    "active": "in force", "pending": "pending", "invalid": "DOES NOT HOLD", "expired": "EXPIRED",
    "resolved": "done: the advisory no longer affects a pin", "unused": "matches no advisory affecting a pin",
}



@dataclass(frozen=True)
class BuiltSite:
    out: Path
    files: tuple[str, ...]  # relative paths, sorted
    channels: tuple[str, ...]


def _pyrange(pythons: Sequence[str]) -> str:
    return pythons[0] if len(pythons) == 1 else f"{pythons[0]}–{pythons[-1]}"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(RESOURCES)),
        autoescape=select_autoescape(["html", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pyrange"] = _pyrange
    return env


def phase_on(channel: Channel, today: _dt.date) -> str:
    """What the channel's dates say it gives on `today` (the file's status says what was declared)."""
    if today < channel.release_date:
        return "frozen, not yet released"
    if today <= channel.bugfix_until:
        return "bug and security fixes"
    if today <= channel.security_until:
        return "security fixes only"
    return "past its end of life"


def _archive_files(archive: dict[str, list[PublishedSerial]]) -> dict[str, bytes]:
    """Every published serial verbatim, and the aliases of each channel's newest serial."""
    files: dict[str, bytes] = {}
    for name, serials in archive.items():
        for serial in serials:
            for file in [*serial.files, CHECKSUMS]:
                files[f"{name}/{serial.version}/{file}"] = (serial.path / file).read_bytes()
        newest = serials[-1]
        for file in [*newest.files, CHECKSUMS]:
            files[f"{name}/latest/{file}"] = (newest.path / file).read_bytes()
        for file in (merged_name(name), hashed_name(name)):
            if file in newest.digests:
                files[file] = (newest.path / file).read_bytes()
    return files


def render_pages(views: Sequence[ChannelView], today: _dt.date, base_url: str, upgrades: Sequence[dict] = ()) -> dict[str, bytes]:
    """index.html, one page per channel, one per upgrade report, the timeline picture and the API files."""
    env = _environment()
    env.filters["upgrade_page"] = lambda report: upgrade_page_name(report["old"], report["new"])
    env.filters["compact_api"] = compact_api
    nav = sorted(views, key=lambda v: (v.channel.release_date, v.name), reverse=True)
    channels = [v.channel for v in views]
    recommended_channel = newest_supported(channels) or next(
        (v.channel for v in nav if v.channel.status != "end-of-life"), None
    )
    recommended = next((v for v in views if recommended_channel and v.name == recommended_channel.name), None)
    docker_example = ""
    if recommended is not None and recommended.docker_tags:
        ch = recommended.channel
        docker_example = next(t for t, _ in recommended.docker_tags if t.endswith(f":{ch.name}-py{ch.default_python}"))
    common = {"nav": nav, "today": today.isoformat(), "base_url": base_url, "upgrades": list(upgrades)}
    index = env.get_template("index.html").render(
        **common,
        root="",
        current=None,
        views=nav,
        timeline=timeline_svg(channels, today, layout=WIDE),
        timeline_compact=timeline_svg(channels, today, layout=COMPACT),
        recommended=recommended,
        docker_example=docker_example,
        extension_count=len(recommended.channel.extras) if recommended else len(nav[0].channel.extras),
    )
    files = {"index.html": index, "timeline.svg": timeline_svg(channels, today)}
    for view in views:
        decision_states = {}
        if view.audit is not None:
            decision_states = {(d["id"], d["package"]): _DECISION_STATES.get(d["state"], d["state"]) for d in view.audit["decisions"]}
        files[f"{view.name}/index.html"] = env.get_template("channel.html").render(
            **common,
            root="../",
            current=view.name,
            view=view,
            phase=phase_on(view.channel, today),
            stages=stage_names(),
            audit=view.audit,
            decision_states=decision_states,
        )
    for report in upgrades:
        files[upgrade_page_name(report["old"], report["new"])] = env.get_template("upgrade.html").render(
            **common, root="../", current=None, report=report,
        )  # fmt: skip
    files["api/channels.json"] = channels_json(views, base_url, today)
    files["api/endoflife.json"] = endoflife_json(views, base_url)
    return {path: text.encode("utf-8") for path, text in files.items()}


def site_files(
    *,
    channels_dir: Path,
    constraints_dir: Path,
    archive_dir: Path,
    reports_dir: Path,
    advisory_dirs: Sequence[Path],
    today: _dt.date,
    base_url: str,
    packages_dir: Path = layout.PACKAGES,
) -> dict[str, bytes]:
    """Every file of the site (relative path -> bytes), nothing written."""
    channels = load_channels(channels_dir)
    if not channels:
        raise SiteError(f"{channels_dir}: no channel files (channels/<name>.toml)")
    for channel in channels:
        # The pages describe the channel's current serial: it must be published, unchanged.
        archive_serial(channel, constraints_dir, archive_dir, check=True, packages_dir=packages_dir)
    archive = read_archive(archive_dir)
    db = load_advisories(*advisory_dirs) if advisory_dirs else None
    views = [
        channel_view(c, channels, archive[c.name], constraints_dir, reports_dir, db, today) for c in channels
    ]
    files = _archive_files(archive)
    # Each channel's own package index (its backported builds, docs/backports.md): <ch>/simple/, <ch>/packages/
    files.update(backports.site_files([c.name for c in channels], packages_dir))
    files.update(render_pages(views, today, base_url, read_upgrade_reports(reports_dir, [c.name for c in channels])))
    for name in _STATIC:
        files[name] = (RESOURCES / name).read_bytes()
    files[".nojekyll"] = b""  # GitHub Pages: serve every file as it is
    return files


def write_site(out: Path, files: dict[str, bytes]) -> None:
    """Replace `out` with exactly `files`, in one rename."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "index.html").is_file())):
        raise SiteError(f"{out}: exists and is not a built site (no index.html); remove it or pass another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    old = None
    try:
        for relative, data in sorted(files.items()):
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            os.chmod(path, 0o644)
        for folder in [staging, *(p for p in staging.rglob("*") if p.is_dir())]:
            os.chmod(folder, 0o755)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.rename(out, old / out.name)
        try:
            os.rename(staging, out)
        except OSError:
            if old is not None:
                os.rename(old / out.name, out)  # put the previous site back
            raise
    finally:
        if staging.exists():
            shutil.rmtree(staging)
        if old is not None:
            shutil.rmtree(old)


def build_site(
    out: Path,
    *,
    channels_dir: Path,
    constraints_dir: Path,
    archive_dir: Path,
    reports_dir: Path,
    advisory_dirs: Sequence[Path],
    today: _dt.date,
    base_url: str,
    log: Callable[[str], None] = lambda message: None,
) -> BuiltSite:
    """Build the site into `out` from the channels, the published archive, reports and advisories."""
    files = site_files(
        channels_dir=channels_dir,
        constraints_dir=constraints_dir,
        archive_dir=archive_dir,
        reports_dir=reports_dir,
        advisory_dirs=advisory_dirs,
        today=today,
        base_url=base_url,
    )
    log(f"{len(files)} files computed")
    write_site(out, files)
    channels = sorted({path.split("/")[0] for path in files if path.endswith("/index.html")})
    return BuiltSite(out, tuple(sorted(files)), tuple(channels))
