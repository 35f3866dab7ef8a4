"""Publish a channel's installer files (from `make dist`) to a package index with twine.

Safe to re-run after a partial failure: it first asks the index which files of
this version it already has (simple API), skips those whose sha256 matches,
refuses to go on when one differs (a published file never changes: bump the
serial), uploads only the rest, then reads the index again to confirm every
file is there, byte for byte. On PyPI and TestPyPI twine's own `--skip-existing`
backs this up (twine allows it nowhere else). Before anything is uploaded, `gate` runs:
the command line passes the channel's audit, so that a new serial is not published while
the audit fails; a re-run that uploads nothing does not need it.

Credentials reach twine only through its own means (TWINE_USERNAME /
TWINE_PASSWORD, or keyring); this module never reads, prints or logs them.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Sequence
from urllib.parse import urljoin, urlsplit, urlunsplit

from ._exceptions import PublishError
from ._files import sha256
from .dist import DISTRIBUTION, dist_filenames, twine_check

TIMEOUT = 60
UPLOAD_TIMEOUT = 900
_SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"



# -- the index's view ------------------------------------------------------------------------


def simple_index_for(repository_url: str) -> str:
    """The simple index that shows what `repository_url` (an upload endpoint) holds, for
    indexes that serve both from one root (pypiserver, devpi); others need INDEX_URL."""
    parts = urlsplit(repository_url)
    path = parts.path.rstrip("/")
    if path.endswith("/legacy"):
        path = path[: -len("/legacy")]
    return urlunsplit((parts.scheme, parts.netloc, path + "/simple/", "", ""))


def check_url(url: str, what: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PublishError(f"{what} {url!r} is not an http(s) URL")
    if parts.username or parts.password:
        raise PublishError(
            f"{what} carries credentials; give them to twine through TWINE_USERNAME and TWINE_PASSWORD "
            "(or keyring) instead, so that they are never shown in logs"
        )


class _Links(HTMLParser):
    """File name -> sha256 from a PEP 503 HTML page (`<a href="...#sha256=...">name</a>`)."""

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, str | None] = {}
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        self._href = None

    def handle_data(self, data: str) -> None:
        if self._href is not None and data.strip():
            _, _, fragment = self._href.partition("#")
            digest = fragment[len("sha256=") :] if fragment.startswith("sha256=") else None
            self.files[data.strip()] = digest


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only on the same host: pypiserver sends unknown projects to the public index."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        old, new = urlsplit(req.full_url), urlsplit(urljoin(req.full_url, newurl))
        if (old.scheme, old.netloc) != (new.scheme, new.netloc):
            raise urllib.error.HTTPError(req.full_url, 404, f"redirected away to {new.netloc}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def index_files(index_url: str, project: str = DISTRIBUTION) -> dict[str, str | None] | None:
    """File name -> sha256 (None if not given) of `project` on the index; {} if it has none;
    None when the index does not let us read it (then only twine --skip-existing protects)."""
    url = index_url.rstrip("/") + f"/{project}/"
    request = urllib.request.Request(url, headers={"Accept": f"{_SIMPLE_JSON}, text/html;q=0.1"})
    opener = urllib.request.build_opener(_SameHostRedirects())
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            body = response.read().decode("utf-8", "replace")
            kind = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return {}
        if exc.code in (401, 403):
            return None
        raise PublishError(f"{url}: the index answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PublishError(f"{url}: cannot reach the index ({reason})") from None
    if kind.startswith(_SIMPLE_JSON):
        data = json.loads(body)
        return {f["filename"]: f.get("hashes", {}).get("sha256") for f in data.get("files", [])}
    parser = _Links()
    parser.feed(body)
    return parser.files


# -- publishing ------------------------------------------------------------------------------------


def _redact(text: str) -> str:
    secret = os.environ.get("TWINE_PASSWORD")
    return text.replace(secret, "****") if secret else text


def plan(local: Sequence[Path], remote: dict[str, str | None] | None) -> tuple[list[Path], list[Path]]:
    """(files to upload, files the index already has); a differing file is an error."""
    upload, present = [], []
    for path in local:
        if remote is None or path.name not in remote:
            upload.append(path)
            continue
        theirs = remote[path.name]
        if theirs is not None and theirs != sha256(path):
            raise PublishError(
                f"the index already has {path.name} with sha256 {theirs}, but dist/ holds a different file "
                f"({sha256(path)}): a published file never changes. If the channel changed, bump its serial "
                "(make refresh); if it did not, the build is not reproducible: find out why before publishing"
            )
        present.append(path)
    return upload, present


def publish(
    version: str,
    dist_dir: Path,
    repository_url: str,
    index_url: str,
    log: Callable[[str], None] = lambda message: None,
    gate: Callable[[], None] | None = None,
) -> tuple[list[Path], list[Path]]:
    """Upload what the index lacks of flask-lts `version`; return (uploaded, already there).
    `gate` (raising to refuse) runs before the first upload."""
    from .venvs import run

    check_url(repository_url, "the repository URL")
    check_url(index_url, "the index URL")
    local = [dist_dir / name for name in dist_filenames(version)]
    missing = [p.name for p in local if not p.is_file()]
    if missing:
        raise PublishError(f"{dist_dir}: {', '.join(missing)} not built; run make dist first")
    remote = index_files(index_url)
    if remote is None:
        log(f"{index_url} does not let us read it: cannot tell which files it already has")
    upload, present = plan(local, remote)
    for path in present:
        if remote and remote.get(path.name) is not None:
            log(f"{path.name}: already on the index, identical; skipped")
        else:  # listed without a sha256: we cannot tell, and must not claim, that it is ours
            log(f"{path.name}: already on the index, which gives no sha256 for it (not compared); skipped")
    if upload:
        if gate is not None:
            gate()
        twine_check(upload)
        log(f"uploading {', '.join(p.name for p in upload)} to {repository_url}")
        # Files the index already holds were left out above (our own check, which works on
        # every index; twine's --skip-existing is refused by most of them).
        cmd = [sys.executable, "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar"]
        cmd += ["--repository-url", repository_url, *map(str, upload)]
        outcome = run(cmd, UPLOAD_TIMEOUT, env={"NO_COLOR": "1"})
        if not outcome.ok:
            raise PublishError(
                "twine upload failed; run the same command again to upload the rest:\n" + _redact(outcome.tail(30))
            )
    after = index_files(index_url)
    if after is not None:
        absent = [p.name for p in local if p.name not in after]
        if absent:
            raise PublishError(f"twine reported success but {index_url} does not list {', '.join(absent)}")
        plan(local, after)  # raises if what landed differs from what we built
        compared = [p.name for p in local if after.get(p.name) is not None]
        if compared:
            log(f"{index_url} lists {', '.join(compared)} with the built files' sha256")
        unhashed = [p.name for p in local if after.get(p.name) is None]
        if unhashed:
            log(f"{index_url} lists {', '.join(unhashed)} without a sha256: not compared with the built files")
    return upload, present
