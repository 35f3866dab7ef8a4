"""publish, the index's side: where the simple index is, which URLs are refused, what a real
local index reports it holds, and the plan (skip identical files, refuse differing ones).

The upload itself (twine into a pypiserver) runs in tests/integration/test_installer_e2e.py."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from pathlib import Path
from typing import Iterator

import pytest

from conftest import local_pypiserver
from flask_lts_tools._files import sha256
from flask_lts_tools.dist import dist_filenames
from flask_lts_tools._exceptions import PublishError
from flask_lts_tools.publish import check_url, index_files, plan, publish, simple_index_for

SDIST, WHEEL = dist_filenames("2024.0")


# -- URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "repository,simple",
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/simple/"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/simple/"),
        ("https://upload.example/legacy/", "https://upload.example/simple/"),
        ("https://devpi.example/team/prod/", "https://devpi.example/team/prod/simple/"),
        ("https://upload.example/root/legacy?x=1#top", "https://upload.example/root/simple/"),
    ],
)
def test_simple_index_is_derived_from_the_upload_url(repository, simple):
    assert simple_index_for(repository) == simple


@pytest.mark.parametrize("url", ["ftp://upload.example/", "upload.example/legacy/", "http:///legacy/", "file:///srv/index"])
def test_a_url_that_is_not_http_is_refused_and_named(url):
    with pytest.raises(PublishError) as info:
        check_url(url, "the repository URL")
    assert str(info.value) == f"the repository URL {url!r} is not an http(s) URL"


def test_credentials_in_a_url_are_refused_without_showing_them():
    with pytest.raises(PublishError) as info:
        check_url("https://maintainer:s3cr3t-token@upload.example/legacy/", "the repository URL")
    message = str(info.value)
    assert message.startswith("the repository URL carries credentials")
    assert "TWINE_USERNAME and TWINE_PASSWORD" in message
    assert "s3cr3t-token" not in message and "maintainer" not in message


def test_plain_http_and_https_urls_pass():
    check_url("http://127.0.0.1:8080/", "the index URL")
    check_url("https://upload.example/legacy/", "the repository URL")


# -- the plan --------------------------------------------------------------------------------


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    directory = tmp_path / "dist"
    directory.mkdir()
    (directory / SDIST).write_bytes(b"sdist of flask-lts 2024.0\n")
    (directory / WHEEL).write_bytes(b"wheel of flask-lts 2024.0\n")
    return directory


def local_files(dist: Path) -> list[Path]:
    return [dist / SDIST, dist / WHEEL]


def test_everything_is_uploaded_to_an_index_without_the_project(dist):
    assert plan(local_files(dist), {}) == (local_files(dist), [])


def test_everything_is_uploaded_when_the_index_cannot_be_read(dist):
    assert plan(local_files(dist), None) == (local_files(dist), [])


def test_identical_files_are_skipped_and_only_the_rest_uploaded(dist):
    remote = {SDIST: sha256(dist / SDIST), "flask_lts-2024.0-py2-none-any.whl": "f" * 64}
    assert plan(local_files(dist), remote) == ([dist / WHEEL], [dist / SDIST])


def test_a_file_listed_without_a_hash_counts_as_present(dist):
    assert plan(local_files(dist), {SDIST: None, WHEEL: None}) == ([], local_files(dist))


def test_a_differing_file_on_the_index_is_refused_with_both_hashes(dist):
    theirs = "0" * 64
    with pytest.raises(PublishError) as info:
        plan(local_files(dist), {SDIST: sha256(dist / SDIST), WHEEL: theirs})
    message = str(info.value)
    assert message.startswith(f"the index already has {WHEEL} with sha256 {theirs}, but dist/ holds a different file")
    assert f"({sha256(dist / WHEEL)})" in message
    assert "bump its serial" in message


# -- a real local index ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def pypiserver(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A real pypiserver on 127.0.0.1 holding flask-lts 2024.0 (sha256 fragments on its links)."""
    packages = tmp_path_factory.mktemp("packages")
    (packages / SDIST).write_bytes(b"sdist of flask-lts 2024.0\n")
    (packages / WHEEL).write_bytes(b"wheel of flask-lts 2024.0\n")
    (packages / "other-1.0.tar.gz").write_bytes(b"another project\n")
    with local_pypiserver(packages, packages.parent / "pypiserver.log", "--hash-algo", "sha256") as url:
        yield url, packages


def test_index_files_lists_the_projects_files_with_their_sha256(pypiserver):
    url, packages = pypiserver
    assert index_files(url + "simple/") == {SDIST: sha256(packages / SDIST), WHEEL: sha256(packages / WHEEL)}
    assert index_files(url + "simple") == index_files(url + "simple/")  # with or without the slash


def test_index_files_follows_the_index_to_the_normalised_project_name(pypiserver):
    url, packages = pypiserver
    assert set(index_files(url + "simple/", "Flask_LTS")) == {SDIST, WHEEL}


def test_a_project_the_index_lacks_has_no_files_even_if_it_redirects_elsewhere(pypiserver):
    # pypiserver sends unknown projects to the public index; that answer is not this index's
    url, _ = pypiserver
    assert index_files(url + "simple/", "flask-lts-never-published") == {}


def test_publish_refuses_a_differing_file_before_uploading_anything(pypiserver, dist):
    url, packages = pypiserver
    before = {p.name: p.read_bytes() for p in packages.iterdir()}
    (dist / WHEEL).write_bytes(b"a rebuilt, different wheel\n")
    logged: list[str] = []
    with pytest.raises(PublishError, match=f"the index already has {WHEEL} with sha256"):
        publish("2024.0", dist, url, url + "simple/", logged.append)
    assert {p.name: p.read_bytes() for p in packages.iterdir()} == before
    assert not any("uploading" in line for line in logged)


def test_publish_with_nothing_new_uploads_nothing_and_confirms_the_files(pypiserver, dist):
    url, _ = pypiserver
    logged: list[str] = []
    assert publish("2024.0", dist, url, url + "simple/", logged.append) == ([], local_files(dist))
    assert f"{SDIST}: already on the index, identical; skipped" in logged
    assert logged[-1].endswith(f"lists {SDIST}, {WHEEL} with the built files' sha256")


def test_publish_of_a_new_serial_is_refused_while_the_audit_fails(pypiserver, tmp_path):
    import datetime as _dt

    from conftest import ROOT
    from flask_lts_tools._exceptions import AuditGateError
    from flask_lts_tools.audit import audit, load_advisories, refuse_unless_clean
    from flask_lts_tools.channel import load_channel
    from flask_lts_tools.constraints import parse_pins

    url, packages = pypiserver
    before = {p.name: p.read_bytes() for p in packages.iterdir()}
    dist = tmp_path / "dist"
    dist.mkdir()
    for name in dist_filenames("2024.1"):  # a serial the index does not have yet
        (dist / name).write_bytes(f"{name}\n".encode())
    osv = ROOT / "tests" / "data" / "osv"
    # werkzeug 3.0.3 is affected by GHSA-q34m-jh98-gwm2 and the channel has no decision about it: a real failing audit
    report = audit(load_channel(osv / "channels" / "2024.toml"), parse_pins("werkzeug==3.0.3\n"), load_advisories(osv / "vulns"),
                   _dt.date(2025, 1, 15))
    logged: list[str] = []
    with pytest.raises(AuditGateError, match=r"^channel 2024: cannot publish flask-lts 2024.1 while its audit fails \(1 undecided\); "
                                             r"see make audit CHANNEL=2024$"):
        publish("2024.1", dist, url, url + "simple/", logged.append, gate=lambda: refuse_unless_clean(report, "publish flask-lts 2024.1"))
    assert {p.name: p.read_bytes() for p in packages.iterdir()} == before
    assert not any("uploading" in line for line in logged)
    # nothing new to upload: a re-run does not need the gate
    assert publish("2024.0", _same_files(tmp_path, packages), url, url + "simple/",
                   gate=lambda: pytest.fail("the gate runs only before an upload"))[0] == []


def _same_files(tmp_path: Path, packages: Path) -> Path:
    dist = tmp_path / "dist0"
    dist.mkdir()
    for name in (SDIST, WHEEL):
        (dist / name).write_bytes((packages / name).read_bytes())
    return dist


def test_publish_of_files_not_built_says_to_run_make_dist(tmp_path):
    with pytest.raises(PublishError, match=rf"{SDIST}, {WHEEL} not built; run make dist first"):
        publish("2024.0", tmp_path, "http://127.0.0.1:9/", "http://127.0.0.1:9/simple/")


# -- other answers, from a plain local HTTP server -------------------------------------------


class _Index(http.server.BaseHTTPRequestHandler):
    """Answers every GET with the status, content type and body the test set on the server."""

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.server.paths.append((self.path, self.headers.get("Accept")))  # type: ignore[attr-defined]
        status, kind, body = self.server.answer  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_index() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Index)
    server.paths = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url_of(server: http.server.ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_port}/simple/"


def test_a_json_simple_page_is_read_and_asked_for(http_index):
    answer = {"meta": {"api-version": "1.1"}, "name": "flask-lts",
              "files": [{"filename": SDIST, "hashes": {"sha256": "ab" * 32}}, {"filename": WHEEL, "hashes": {}}]}  # fmt: skip
    http_index.answer = (200, "application/vnd.pypi.simple.v1+json", json.dumps(answer).encode())
    assert index_files(url_of(http_index)) == {SDIST: "ab" * 32, WHEEL: None}
    path, accept = http_index.paths[0]
    assert path == "/simple/flask-lts/"
    assert accept.startswith("application/vnd.pypi.simple.v1+json")


def test_an_html_page_without_hash_fragments_lists_files_without_hashes(http_index):
    page = f'<html><body><a href="../../p/{SDIST}#md5=abc">{SDIST}</a><br><a href="/p/{WHEEL}">{WHEEL}</a></body></html>'
    http_index.answer = (200, "text/html", page.encode())
    assert index_files(url_of(http_index)) == {SDIST: None, WHEEL: None}


def test_publish_never_claims_files_identical_when_the_index_gives_no_sha256(http_index, dist):
    """An index that lists files with md5 fragments only: they count as present (nothing is
    uploaded again), but the log says they were not compared, never that they are identical."""
    page = f'<a href="/p/{SDIST}#md5=abc">{SDIST}</a><a href="/p/{WHEEL}#md5=def">{WHEEL}</a>'
    http_index.answer = (200, "text/html", page.encode())
    logged: list[str] = []
    assert publish("2024.0", dist, "http://127.0.0.1:9/", url_of(http_index), logged.append) == ([], local_files(dist))
    assert f"{SDIST}: already on the index, which gives no sha256 for it (not compared); skipped" in logged
    assert not any("identical" in line or "with the built files' sha256" in line for line in logged)
    assert logged[-1].endswith(f"lists {SDIST}, {WHEEL} without a sha256: not compared with the built files")


@pytest.mark.parametrize("status", [401, 403])
def test_an_index_that_does_not_let_us_read_it_gives_none(http_index, status):
    http_index.answer = (status, "text/plain", b"authentication required")
    assert index_files(url_of(http_index)) is None


def test_an_index_error_names_the_url_and_the_status(http_index):
    http_index.answer = (502, "text/plain", b"bad gateway")
    with pytest.raises(PublishError, match=rf"^{url_of(http_index)}flask-lts/: the index answered 502 Bad Gateway$"):
        index_files(url_of(http_index))


def test_an_unreachable_index_is_reported_as_such():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    with pytest.raises(PublishError, match=rf"http://127.0.0.1:{port}/simple/flask-lts/: cannot reach the index"):
        index_files(f"http://127.0.0.1:{port}/simple/")
