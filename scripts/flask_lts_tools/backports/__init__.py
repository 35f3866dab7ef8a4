"""Backports: an advisory's upstream fix applied to a channel's frozen release, built as a local
version (`3.0.6+lts2024.1`), gated, and served from the channel's own package index.

    load_backports(channel) -> [PackageBackports]      the patches (channels/<ch>/patches/<pkg>/)
    build(backports, interpreter) -> Build             staged in .cache/backports/<ch>/
    gate(backports, build, channel, constraints, interpreter) -> GateResult   one Python
    publish(backports, build, results, channel) -> [Path]   into packages/<ch>/, never rewritten

docs/backports.md describes the scheme, the gate and how users get the builds.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from pathlib import Path
from typing import Iterable, Mapping

from .. import _layout as layout
from .._exceptions import BackportError
from .._files import atomic_write
from ..channel import Channel
from ._build import Build, build, read_staged, staging_folder
from ._gate import GateResult, gate
from ._published import CHECKSUMS, VEX, channel_builds, local_revision, pins_of, published_builds, site_files
from ._index import move_pins, openvex, pin_builds, purl, simple_index, with_index
from ._series import PackageBackports, Patch, load_backports, local_version

__all__ = [
    "Build", "GateResult", "PackageBackports", "Patch", "build", "channel_builds", "gate", "load_backports", "local_version",
    "local_revision", "move_pins", "openvex", "pin_builds", "pins_of", "published_builds", "publish", "purl", "read_gate", "read_staged", "serial_files", "simple_index",
    "site_files", "staging_folder", "with_index", "write_gate",
]  # fmt: skip

VEX_AUTHOR = "flask-lts maintainers"


def gate_file(folder: Path, python: str) -> Path:
    return folder / f"gate-py{python}.json"


def write_gate(built: Build, result: GateResult) -> Path:
    """A gate's verdict beside the staged build it judged (with the build's inputs digest)."""
    path = gate_file(built.folder, result.python)
    atomic_write(path, json.dumps({"inputs": built.inputs_digest(), **result.to_json()}, indent=2) + "\n")
    return path


def read_gate(built: Build, python: str) -> dict | None:
    path = gate_file(built.folder, python)
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if data.get("inputs") == built.inputs_digest() else None


def _record(backports: PackageBackports, built: Build, gates: Mapping[str, dict], today: _dt.date) -> dict:
    """What is published about one build: its inputs, its files, the patches and the gate."""
    by_name = {p.name: p for p in backports.patches}
    return {
        "schema": "flask-lts-backport/1",
        "channel": built.channel,
        "package": built.package,
        "version": built.version,
        "release": built.release,
        "published": today.isoformat(),
        "source": built.source,
        "build_requires": built.build_requires,
        "source_date_epoch": built.source_date_epoch,
        "files": [{"filename": f.filename, "sha256": f.sha256, "size": f.size} for f in built.files],
        "patches": [
            {
                **p, "file": f"{built.package}-{built.version}.{p['name']}",
                "aliases": list(by_name[p["name"]].aliases), "fixed_upstream": by_name[p["name"]].fixed_upstream,
                "origin": by_name[p["name"]].origin, "regression_tests": list(by_name[p["name"]].regression_tests),
            }
            for p in built.patches
        ],  # fmt: skip
        "gate": {
            python: {
                "interpreter": g["interpreter"],
                "suite": {k: g["suite"].get(k, 0) for k in ("tests", "passed", "failed", "errors", "skipped")},
                "regression_patched": {"passed": g["patched"]["passed"], "failed": g["patched"]["failed"]},
                "regression_unpatched": {"passed": g["unpatched"]["passed"], "failed": g["unpatched"]["failed"]},
            }
            for python, g in sorted(gates.items(), key=lambda kv: tuple(int(x) for x in kv[0].split(".")))
        },
    }


def publish(
    backports: PackageBackports, built: Build, channel: Channel, packages_dir: Path = layout.PACKAGES,
    today: _dt.date | None = None, base_url: str = layout.SITE_URL,
) -> list[Path]:  # fmt: skip
    """Copy a gated build into `packages/<channel>/` with its record, its patches, the channel's
    VEX document and SHA256SUMS. Refused (BackportError, nothing written) unless the gate passed
    for this very build on every Python of the channel; a published file never changes."""
    gates: dict[str, dict] = {}
    for python in channel.pythons:
        verdict = read_gate(built, python)
        if verdict is None:
            raise BackportError(
                f"{gate_file(built.folder, python)}: no gate of this build on Python {python}; run "
                f"flask-lts-tools backport test {channel.name} --package {built.package} (every Python of the channel) first"
            )
        if verdict["status"] != "pass":
            raise BackportError(
                f"{gate_file(built.folder, python)}: the gate failed on Python {python} ({'; '.join(verdict['problems'])[:300]}); "
                "fix the patch or the series; nothing was published"
            )
        gates[python] = verdict
    folder = layout.packages_folder(channel.name, packages_dir)
    existing = published_builds(channel.name, packages_dir)
    today = today or _dt.date.today()
    record_name = f"{built.package}-{built.version}.json"
    old = next((r for r in existing if r["version"] == built.version and r["package"] == built.package), None)
    if old is not None:
        if [f["sha256"] for f in old["files"]] != [f.sha256 for f in built.files]:
            raise BackportError(
                f"{folder / record_name}: {built.version} is published with other bytes; a published build never changes: "
                f"bump revision in {backports.folder / 'backport.toml'}"
            )
        return []
    record = _record(backports, built, gates, today)
    files: dict[str, bytes] = {f.filename: built.path(f.filename).read_bytes() for f in built.files}
    for patch in backports.patches:
        files[f"{built.package}-{built.version}.{patch.name}"] = patch.path.read_bytes()
    files[record_name] = (json.dumps(record, indent=2) + "\n").encode()
    records = [*existing, record]
    doc = openvex(channel.name, records, VEX_AUTHOR, f"{base_url}{channel.name}/packages/{VEX}")
    files[VEX] = (json.dumps(doc, indent=2) + "\n").encode()
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        if name != VEX and (folder / name).exists() and (folder / name).read_bytes() != data:
            raise BackportError(f"{folder / name}: already published with other bytes; bump revision in {backports.folder / 'backport.toml'}")
    present = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != CHECKSUMS}
    present.update(files)
    sums = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in sorted(present.items()))
    written = []
    for name, data in sorted(files.items()):
        tmp = folder / f".{name}.tmp"
        tmp.write_bytes(data)
        tmp.replace(folder / name)
        written.append(folder / name)
    atomic_write(folder / CHECKSUMS, sums)
    return written


def serial_files(channel: str, pins: Iterable[tuple[str, str]], packages_dir: Path = layout.PACKAGES,
                 base_url: str = layout.SITE_URL, serial: str = "") -> dict[str, bytes]:  # fmt: skip
    """What a serial publishes beside its constraints about the backport builds it pins
    (`pins`: (canonical name, version) pairs): `vex.json`, an OpenVEX document for exactly those
    builds, and each build's patches, as published (`werkzeug-3.0.6+lts2024.1.<advisory>.patch`).
    Byte-stable: made only from the builds' records, which never change. Empty without builds."""
    wanted = set(pins)
    records = [r for r in published_builds(channel, packages_dir) if (r["package"], r["version"]) in wanted]
    if not records:
        return {}
    folder = layout.packages_folder(channel, packages_dir)
    out = {p["file"]: (folder / p["file"]).read_bytes() for r in records for p in r["patches"]}
    doc = openvex(channel, records, VEX_AUTHOR, f"{base_url}{channel}/{serial}/{VEX}" if serial else f"{base_url}{channel}/{VEX}")
    out[VEX] = (json.dumps(doc, indent=2) + "\n").encode()
    return out
