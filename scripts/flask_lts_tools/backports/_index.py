"""What users get from a channel's own package index: the index pages, the VEX document, and
constraints pinned to the builds.

- A static simple index (PEP 503 HTML, and the PEP 691 JSON form beside it as `index.json`)
  for the builds in `packages/<channel>/`: each file linked with its sha256, its
  Requires-Python, and (wheels) its core metadata as a PEP 658 `.metadata` file.
- OpenVEX: one `fixed` statement per (advisory, build), naming the build by purl and sha256.
- Constraints whose pins of a backported package name the build's exact local version and
  its hashes, so only our build can satisfy them (docs/backports.md, dependency confusion).
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import zipfile
from dataclasses import replace
from email.parser import HeaderParser
from typing import Iterable, Mapping, Sequence
from urllib.parse import quote

from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename

from ..constraints import Pin

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
OPENVEX_CONTEXT = "https://openvex.dev/ns/v0.2.0"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _project_of(filename: str) -> tuple[str, str]:
    if filename.endswith(".whl"):
        name, version, _, _ = parse_wheel_filename(filename)
    else:
        name, version = parse_sdist_filename(filename)
    return canonicalize_name(name), str(version)


def wheel_metadata(wheel: bytes) -> bytes:
    """The METADATA file of a wheel (what PEP 658 serves beside it)."""
    with zipfile.ZipFile(io.BytesIO(wheel)) as archive:
        names = [n for n in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)]
        return archive.read(names[0])


def _requires_python(metadata: bytes) -> str:
    return (HeaderParser().parsestr(metadata.decode("utf-8", "replace")).get("Requires-Python") or "").strip()


def simple_index(files: Mapping[str, bytes], prefix: str = "simple/", packages: str = "packages/") -> dict[str, bytes]:
    """The index of `files` (distribution file name -> bytes), as site paths -> bytes.

    Project pages live at `<prefix><project>/`, files at `<packages><file name>` (both
    relative to one folder of the site); links are relative, so the index works wherever
    the site is served. Output is sorted and byte-stable."""
    depth = "../" * (prefix.count("/") + 1)
    projects: dict[str, list[dict]] = {}
    out: dict[str, bytes] = {}
    wheels_metadata = {n: wheel_metadata(d) for n, d in files.items() if n.endswith(".whl")}
    requires = {}
    for name, metadata in wheels_metadata.items():
        requires[_project_of(name)] = _requires_python(metadata)
    for filename in sorted(files):
        project, version = _project_of(filename)
        entry = {
            "filename": filename,
            "url": depth + packages + quote(filename),
            "hashes": {"sha256": _sha256(files[filename])},
            "requires-python": requires.get((project, version), ""),
            "yanked": False,
        }
        if filename in wheels_metadata:
            meta = wheels_metadata[filename]
            out[f"{packages}{filename}.metadata"] = meta
            entry["core-metadata"] = {"sha256": _sha256(meta)}
            entry["dist-info-metadata"] = entry["core-metadata"]  # the name pip < 23.2 reads
        projects.setdefault(project, []).append(entry)
    for project, entries in sorted(projects.items()):
        links = []
        for e in entries:
            attrs = f' href="{html.escape(e["url"])}#sha256={e["hashes"]["sha256"]}"'
            if e["requires-python"]:
                attrs += f' data-requires-python="{html.escape(e["requires-python"])}"'
            if "core-metadata" in e:
                digest = e["core-metadata"]["sha256"]
                attrs += f' data-core-metadata="sha256={digest}" data-dist-info-metadata="sha256={digest}"'
            links.append(f"    <a{attrs}>{html.escape(e['filename'])}</a><br>")
        out[f"{prefix}{project}/index.html"] = _page(f"Links for {project}", links)
        data = {"meta": {"api-version": "1.0"}, "name": project, "files": [{k: v for k, v in e.items() if v != ""} for e in entries]}
        out[f"{prefix}{project}/index.json"] = (json.dumps(data, indent=1, sort_keys=True) + "\n").encode()
    out[f"{prefix}index.html"] = _page("Simple index", [f'    <a href="{p}/">{p}</a><br>' for p in sorted(projects)])
    root = {"meta": {"api-version": "1.0"}, "projects": [{"name": p} for p in sorted(projects)]}
    out[f"{prefix}index.json"] = (json.dumps(root, indent=1, sort_keys=True) + "\n").encode()
    return out


def _page(title: str, lines: Sequence[str]) -> bytes:
    body = "\n".join(lines)
    return (
        '<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="1.0">\n'
        f"    <title>{html.escape(title)}</title>\n  </head>\n  <body>\n{body}\n  </body>\n</html>\n"
    ).encode()


def purl(package: str, version: str) -> str:
    """The package URL of a release on PyPI's ecosystem; `+` of a local version percent-encoded."""
    return f"pkg:pypi/{canonicalize_name(package)}@{quote(version, safe='')}"


def openvex(channel: str, records: Iterable[Mapping], author: str, doc_id: str) -> dict:
    """An OpenVEX document: for every published build, one `fixed` statement per advisory it
    fixes by backport. `records` are the builds' published records (backports.publish). The
    timestamp is the newest build's publication day, so the document is byte-stable."""
    statements = []
    records = sorted(records, key=lambda r: (r["package"], r["version"]))
    for record in records:
        products = [
            {"@id": f"{purl(record['package'], record['version'])}?file_name={quote(f['filename'], safe='')}",
             "identifiers": {"purl": f"{purl(record['package'], record['version'])}?file_name={quote(f['filename'], safe='')}"},
             "hashes": {"sha-256": f["sha256"]}}
            for f in record["files"]
        ]  # fmt: skip
        for patch in record["patches"]:
            statements.append({
                "vulnerability": {"name": patch["advisory"], **({"aliases": patch["aliases"]} if patch.get("aliases") else {})},
                "products": products,
                "status": "fixed",
                "status_notes": (
                    f"Channel {channel} backports the fix of {patch['advisory']} (upstream {record['package']} "
                    f"{patch['fixed_upstream']}) into the frozen release {record['release']}: patch {patch['name']} "
                    f"(sha256 {patch['sha256']}), its regression tests passing on the build and failing on "
                    f"{record['release']} on Python {', '.join(record['gate'])}."
                ),
                "timestamp": record["published"] + "T00:00:00Z",
            })  # fmt: skip
    newest = max((r["published"] for r in records), default="1970-01-01")
    return {
        "@context": OPENVEX_CONTEXT,
        "@id": doc_id,
        "author": author,
        "timestamp": newest + "T00:00:00Z",
        "version": len(records),
        "statements": statements,
    }


_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)(?P<rest>.*)$")


def pin_builds(text: str, builds: Mapping[str, tuple[str, str, Sequence[str]]]) -> str:
    """A constraints (or requirements) file with every pin of a backported package moved to its
    build: `builds` maps canonical name -> (frozen release, build version, sha256 of its files).
    A `--hash` continuation of such a pin is replaced by the build's hashes; every other line
    stays as it is. Only pins of exactly the frozen release move."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        match = _PIN.match(line)
        build = builds.get(canonicalize_name(match.group("name"))) if match else None
        if match is None or build is None or match.group("version") != build[0]:
            out.append(line)
            i += 1
            continue
        _, version, hashes = build
        rest = match.group("rest")
        hashed = rest.rstrip().endswith("\\")
        if hashed:
            i += 1
            while i < len(lines) and lines[i].lstrip().startswith("--hash"):
                i += 1
            head = rest.rstrip()[:-1].rstrip()
            out.append(f"{match.group('name')}=={version}{head} \\")
            out += [f"    --hash=sha256:{h}" + (" \\" if n < len(hashes) - 1 else "") for n, h in enumerate(sorted(hashes))]
            continue
        out.append(f"{match.group('name')}=={version}{rest}")
        i += 1
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def move_pins(pins: Iterable[Pin], builds: Mapping[str, tuple[str, str, Sequence[str]]]) -> list[Pin]:
    """`pin_builds` on parsed pins (what the resolver holds before it writes): every pin of exactly
    a backported package's frozen release becomes the build, with the build's hashes."""
    out = []
    for pin in pins:
        build = builds.get(canonicalize_name(pin.name))
        if build is not None and pin.version == build[0]:
            pin = replace(pin, version=build[1], hashes=tuple(sorted(f"sha256:{h}" for h in build[2])))
        out.append(pin)
    return out


_INDEX_NOTE = "# The channel's own package index serves its backported builds"


def with_index(text: str, index_url: str) -> str:
    """A constraints file that names the channel's index itself: pip (23.0 to 26.3 measured)
    honours an `--extra-index-url` line inside a `-c` file, so `pip install -c <url> flask`
    finds the builds with no option of the user's. Put after the header comments; a file that
    names the channel's index already (a serial that pins the builds) gets the new URL in its
    place, never a second index."""
    lines = text.splitlines(keepends=True)
    if any(line.startswith(_INDEX_NOTE) for line in lines):
        at = next((i for i, line in enumerate(lines) if line.startswith("--extra-index-url ")), None)
        if at is not None:
            return "".join(lines[:at] + [f"--extra-index-url {index_url}\n"] + lines[at + 1:])
    at = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    block = [
        "# The channel's own package index serves its backported builds (the pins with a +lts local version);\n",
        "# only they can satisfy those pins, whatever other index pip reads (docs/backports.md).\n",
        f"--extra-index-url {index_url}\n",
    ]
    return "".join(lines[:at] + block + lines[at:])
