"""Machine-readable files: `api/channels.json` (our schema, docs/site.md) and `api/endoflife.json`.

`endoflife.json` has the shape of endoflife.date's product API (a list of release
cycles, newest first), so tools that read that format understand our channels.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Sequence

from ..audit import decision_dict
from ._archive import CHECKSUMS, hashed_name, merged_name
from ._model import INSTALLER, ChannelView

SCHEMA = "flask-lts-channels/1"


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def serial_path(view: ChannelView, version: str, name: str) -> str:
    return f"{view.name}/{version}/{name}"


def channel_record(view: ChannelView, base_url: str) -> dict[str, Any]:
    channel = view.channel
    latest = view.latest

    def url(path: str) -> dict[str, str]:
        return {"path": path, "url": base_url + path}

    serials = []
    for serial in view.serials:
        made_on = serial.made_on()
        serials.append({
            "version": serial.version,
            "serial": serial.serial,
            "made_on": made_on.isoformat() if made_on else None,
            "checksums": url(serial_path(view, serial.version, CHECKSUMS)),
            "files": [
                {**url(serial_path(view, serial.version, name)), "name": name, "sha256": serial.digests[name]}
                for name in serial.files
            ],
        })  # fmt: skip
    pins = {
        row.name: {python: version for python, version in row.by_python}
        for group in view.groups
        for row in group.rows
    }
    verification = {}
    for v in view.verifications:
        verification[v.python] = {"status": v.status} if not v.cells else {
            "status": v.status,
            "started": v.started,
            "interpreter": v.interpreter,
            "stages": {name: cell.status for name, cell in v.cells},
            "problems": v.problem_count,
        }
    audit = None
    if view.audit is not None:
        audit = {
            "today": view.audit["today"],
            "ok": view.audit["ok"],
            "advisories": view.audit["database"]["advisories"],
            "findings": [
                {
                    "package": f["package"],
                    "version": f["version"],
                    "marker": f["marker"],
                    "id": f["advisory"]["id"],
                    "aliases": f["advisory"]["aliases"],
                    "summary": f["advisory"]["summary"],
                    "url": f["advisory"]["url"],
                    "fixed_in_series": f["fixed_in_series"],
                    "status": f["status"],
                    "decision": f["decision"]["decision"] if f["decision"] else None,
                }
                for f in view.audit["findings"]
            ],
        }
    return {
        "name": channel.name,
        "status": channel.status,
        "summary": channel.summary or None,
        "page": url(f"{channel.name}/"),
        "dates": {
            "freeze": channel.freeze_date.isoformat(),
            "release": channel.release_date.isoformat(),
            "bugfix_until": channel.bugfix_until.isoformat(),
            "security_until": channel.security_until.isoformat(),
        },
        "pythons": {
            "supported": list(channel.pythons),
            "planned": list(channel.planned_pythons),
            "default": channel.default_python,
        },
        "latest": {
            "version": latest.version,
            "serial": latest.serial,
            "date": view.latest_date.isoformat(),
            "constraints": url(serial_path(view, latest.version, merged_name(channel.name))),
            "constraints_hashes": url(serial_path(view, latest.version, hashed_name(channel.name))),
            "per_python": {
                python: url(serial_path(view, latest.version, f"py{python}.txt")) for python in channel.pythons
            },
        },
        "aliases": {
            "constraints": url(merged_name(channel.name)),
            "constraints_hashes": url(hashed_name(channel.name)),
            "folder": url(f"{channel.name}/latest/"),
        },
        "serials": serials,
        "series": {
            "core": dict(channel.core),
            "extras": {extra: dict(packages) for extra, packages in channel.extras.items()},
            "dependencies": dict(channel.dependencies),
        },
        "pins": pins,
        "exceptions": [
            {"package": e.package, "series": e.series, "python": str(e.python) or None, "reason": e.reason}
            for e in channel.exceptions
        ],
        "omitted": [{"package": o.package, "extra": o.extra, "reason": o.reason} for o in channel.omitted],
        "decisions": [decision_dict(d) for d in channel.decisions],
        "installer": {
            "package": INSTALLER,
            "extras": list(channel.extras),
            "requirement": f"{INSTALLER}[{view.install_extras}]~={channel.version}",
        },
        "docker": [tag for tag, _ in view.docker_tags],
        "verification": verification,
        "audit": audit,
    }


def channels_json(views: Sequence[ChannelView], base_url: str, today: _dt.date) -> str:
    return _dump({
        "schema": SCHEMA,
        "base_url": base_url,
        "today": today.isoformat(),
        "channels": [channel_record(v, base_url) for v in sorted(views, key=lambda v: v.channel.release_date, reverse=True)],
    })  # fmt: skip


def endoflife_json(views: Sequence[ChannelView], base_url: str) -> str:
    """endoflife.date's cycle fields: support = end of bug fixes, eol = end of security fixes."""
    cycles = []
    for view in sorted(views, key=lambda v: v.channel.release_date, reverse=True):
        channel = view.channel
        cycles.append({
            "cycle": channel.name,
            "releaseDate": channel.release_date.isoformat(),
            "support": channel.bugfix_until.isoformat(),
            "eol": channel.security_until.isoformat(),
            "latest": view.latest.version,
            "latestReleaseDate": view.latest_date.isoformat(),
            "lts": True,
            "link": f"{base_url}{channel.name}/",
        })  # fmt: skip
    return _dump(cycles)
