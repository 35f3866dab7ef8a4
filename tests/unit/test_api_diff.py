"""api_diff: the public API difference between two releases, on real releases from the package
index (Werkzeug 3.0 removing url_quote, Flask-HTTPAuth 4.8.1 renaming a public attribute in a
patch release) and on small releases made here and served by a real local JSON API."""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import json
import tarfile
import threading
import time
import zipfile
from pathlib import Path

import pytest

from conftest import assert_one_line_error, run_tools
from flask_lts_tools import index
from flask_lts_tools._exceptions import ApiDiffError
from flask_lts_tools.api_diff import ApiDifference, api_difference, is_patch_bump, top_level_modules


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One cache for the tests that read the real index: each release is fetched once."""
    return tmp_path_factory.mktemp("api-diff")


# -- real releases ----------------------------------------------------------------------------


def test_werkzeug_3_0_removes_url_quote_and_changes_signatures(cache):
    diff = api_difference("werkzeug", "2.3.8", "3.0.0", cache)
    assert diff.error is None
    assert "removed werkzeug.urls.url_quote" in diff.breakages
    assert "werkzeug.urls.url_quote" in diff.removed and diff.removes_public_names
    assert "changed signature of werkzeug.http.parse_cookie(...): removed charset, errors; moved cls" in diff.breakages
    assert "changed signature of werkzeug.security.generate_password_hash(...): default of method 'pbkdf2' -> 'scrypt'" in diff.breakages
    first_signature = next(i for i, b in enumerate(diff.breakages) if b.startswith("changed signature"))
    assert all(b.startswith("removed ") for b in diff.breakages[:first_signature])  # removals first
    assert not diff.patch_bump and not diff.flag  # a major release may remove API
    assert diff.summary(60).startswith(f"{len(diff.breakages)} changes: removed werkzeug.")
    assert len(diff.summary(60)) == 60


def test_members_inherited_from_a_namespace_subpackage_are_not_removals(cache):
    """Flask 3.0's Blueprint and Flask inherit their methods from flask/sansio/, a folder without
    __init__.py that Python imports as a namespace package: they are still there."""
    diff = api_difference("flask", "2.1.3", "3.0.3", cache)
    assert diff.error is None
    assert "removed flask.app.Flask.before_first_request" in diff.breakages
    assert "removed flask.blueprints.Blueprint.before_app_first_request" in diff.breakages
    assert not {"removed flask.blueprints.Blueprint.route", "removed flask.app.Flask.route"} & set(diff.breakages)
    assert len(diff.breakages) < 60


def test_an_sdist_with_a_lib_layout_is_compared(cache):
    """SQLAlchemy 1.4 has no pure-Python wheel, and its sdist keeps the package in lib/."""
    diff = api_difference("sqlalchemy", "1.4.54", "2.0.51", cache)
    assert diff.error is None
    assert "removed sqlalchemy.exc.RemovedIn20Warning" in diff.breakages


def test_a_real_patch_release_without_public_api_difference(cache):
    diff = api_difference("flask-login", "0.6.2", "0.6.3", cache)
    assert diff == ApiDifference("flask-login", "0.6.2", "0.6.3", ())
    assert diff.patch_bump and not diff.flag
    assert diff.summary() == "-"


def test_flask_httpauth_4_8_1_renames_a_public_attribute_in_a_patch_release(cache):
    """The rename (`MultiAuth.additional_auth` -> `additional_auths`) that broke canaries while
    Flask-HTTPAuth's own tests passed. Its other edits are not reported: `*args` renamed
    (never passed by name) and `(object)` dropped from the class statements."""
    diff = api_difference("flask-httpauth", "4.8.0", "4.8.1", cache)
    assert diff.breakages == ("removed flask_httpauth.MultiAuth.additional_auth",)
    assert diff.flag
    assert diff.summary() == "FLAG: API REMOVED in a patch release (1 change): removed flask_httpauth.MultiAuth.additional_auth"


def test_a_release_missing_from_the_index_is_an_error_not_an_exception(cache):
    diff = api_difference("flask-httpauth", "4.8.0", "4.8.99", cache)
    assert diff.error == "flask-httpauth 4.8.99 is not on the package index"
    assert diff.breakages == () and not diff.flag
    assert diff.summary() == "not compared: flask-httpauth 4.8.99 is not on the package index"
    unknown = api_difference("flask-lts-no-such-package", "1.0", "1.1", cache)
    assert "does not exist on the package index" in unknown.error
    assert "not a valid version" in api_difference("flask-login", "0.6.2", "soon", cache).error


def test_the_command_prints_a_table_and_errors_are_one_line(cache):
    removed = run_tools("api-diff", "flask-httpauth", "4.8.0", "4.8.1", "--cache-dir", str(cache), timeout=300)
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.splitlines()[0] == "flask-httpauth 4.8.0 -> 4.8.1: 1 public API change(s) — API REMOVED in a patch release"
    assert "| removed flask_httpauth.MultiAuth.additional_auth |" in removed.stdout
    same = run_tools("api-diff", "flask-login", "0.6.2", "0.6.3", "--cache-dir", str(cache), timeout=300)
    assert (same.returncode, same.stdout) == (0, "flask-login 0.6.2 -> 0.6.3: no public API difference\n")
    missing = run_tools("api-diff", "flask-httpauth", "4.8.0", "4.8.99", "--cache-dir", str(cache), timeout=300)
    assert missing.returncode == ApiDiffError.exit_code
    assert_one_line_error(missing, "flask-httpauth 4.8.99 is not on the package index")


def test_a_warm_cache_answers_without_the_index(cache, monkeypatch):
    api_difference("flask-login", "0.6.2", "0.6.3", cache)
    monkeypatch.setenv("FLASK_LTS_JSON_API", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setattr(index, "_cache", {})
    started = time.monotonic()
    assert api_difference("flask-login", "0.6.2", "0.6.3", cache).error is None
    assert time.monotonic() - started < 5


# -- the patch flag ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "patch"),
    [("3.0.3", "3.0.4", True), ("3.0", "3.0.1", True), ("1.0.0", "1.0.1rc1", True), ("2.3.8", "3.0.0", False),
     ("3.0.6", "3.1.0", False), ("3.0.4", "3.0.3", False), ("3.0.4", "3.0.4", False), ("3.0.3", "later", False)],
)  # fmt: skip
def test_a_patch_bump_is_a_later_release_of_the_same_major_minor(old, new, patch):
    assert is_patch_bump(old, new) is patch


# -- releases made here, served by a real local JSON API --------------------------------------

V100 = '''\
"""tinyapi 1.0.0"""
import typing as t

if t.TYPE_CHECKING:
    Hidden = int

def greet(name, punctuation="!"):
    return name + punctuation

def farewell(name, *args):
    return name

def _private():
    pass

class Client(object):
    timeout = 10

    def __init__(self):
        self.base_url = None
'''
# 1.0.1: greet is gone (renamed), farewell's *args renamed, a required parameter added, the
# type-checking-only name and the private function dropped, `(object)` dropped.
V101 = '''\
"""tinyapi 1.0.1"""
def salute(name, punctuation="!"):
    return name + punctuation

def farewell(name, *names):
    return name

class Client:
    timeout = 10

    def __init__(self, base_url):
        self.base_url = base_url
'''


def wheel(name: str, version: str, files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    info = f"{name}-{version}.dist-info"
    with zipfile.ZipFile(buffer, "w") as zipped:
        for path, text in files.items():
            zipped.writestr(path, text)
        zipped.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        zipped.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        zipped.writestr(f"{info}/top_level.txt", f"{name}\n")
        zipped.writestr(f"{info}/RECORD", "")
    return buffer.getvalue()


def sdist(name: str, version: str, files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path, text in files.items():
            data = text.encode()
            member = tarfile.TarInfo(f"{name}-{version}/{path}")
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_index(tmp_path, monkeypatch):
    """A real HTTP server on 127.0.0.1 serving `<name>/json` and the files it lists; the toolkit
    is pointed at it. `publish(name, {version: {filename: bytes}})`."""
    root = tmp_path / "index"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setenv("FLASK_LTS_JSON_API", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setattr(index, "_cache", {})

    def publish(name: str, releases: dict[str, dict[str, bytes]], wrong_digest: bool = False) -> None:
        (root / name).mkdir(exist_ok=True)
        listing = {}
        for version, files in releases.items():
            listing[version] = []
            for filename, data in files.items():
                (root / filename).write_bytes(data)
                digest = hashlib.sha256(data + (b"x" if wrong_digest else b"")).hexdigest()
                listing[version].append({
                    "filename": filename, "url": f"../../{filename}", "digests": {"sha256": digest},
                    "packagetype": "sdist" if filename.endswith(".tar.gz") else "bdist_wheel",
                    "upload_time_iso_8601": "2026-11-30T00:00:00Z", "yanked": False,
                })  # fmt: skip
        (root / name / "json").write_text(json.dumps({"info": {"name": name}, "releases": listing}))

    yield publish
    server.shutdown()
    server.server_close()


def tinyapi(version: str, source: str) -> dict[str, bytes]:
    files = {"tinyapi/__init__.py": source}
    if source == V100:  # a tests package inside, dropped later: its helpers are not API
        files["tinyapi/tests/__init__.py"] = "def check():\n    pass\n"
    return {f"tinyapi-{version}-py3-none-any.whl": wheel("tinyapi", version, files)}


def test_a_patch_release_removing_public_api_is_flagged_and_a_minor_one_is_not(local_index, tmp_path):
    local_index("tinyapi", {"1.0.0": tinyapi("1.0.0", V100), "1.0.1": tinyapi("1.0.1", V101), "1.1.0": tinyapi("1.1.0", V101)})
    patch = api_difference("tinyapi", "1.0.0", "1.0.1", tmp_path / "cache")
    assert patch.breakages == ("removed tinyapi.greet", "changed signature of tinyapi.Client.__init__(...): added required base_url")
    assert patch.removed == ("tinyapi.greet",) and patch.flag
    assert patch.summary().startswith("FLAG: API REMOVED in a patch release (2 changes): removed tinyapi.greet; ")
    minor = api_difference("tinyapi", "1.0.0", "1.1.0", tmp_path / "cache")
    assert minor.breakages == patch.breakages and not minor.flag
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["tinyapi-1.0.0", "tinyapi-1.0.1", "tinyapi-1.1.0"]


def test_a_release_without_a_pure_wheel_is_read_from_its_sdist(local_index, tmp_path):
    compiled = {"tinyapi-1.0.2-cp311-cp311-manylinux_2_17_x86_64.whl": b"not read"}
    source = sdist("tinyapi", "1.0.2", {
        "setup.py": "from setuptools import setup\nsetup()\n", "tests/test_tinyapi.py": "def test_x():\n    pass\n",
        "src/tinyapi/__init__.py": V101 + "\ndef extra():\n    pass\n", "src/tinyapi/_speedups.c": "/* compiled */\n",
    })  # fmt: skip
    local_index("tinyapi", {"1.0.1": tinyapi("1.0.1", V101), "1.0.2": {**compiled, "tinyapi-1.0.2.tar.gz": source}})
    diff = api_difference("tinyapi", "1.0.1", "1.0.2", tmp_path / "cache")
    assert diff == ApiDifference("tinyapi", "1.0.1", "1.0.2", ())
    assert top_level_modules(tmp_path / "cache" / "tinyapi-1.0.2" / "src") == ["tinyapi"]
    assert top_level_modules(tmp_path / "cache" / "tinyapi-1.0.2") == []  # setup.py and tests/ are not API
    back = api_difference("tinyapi", "1.0.2", "1.0.1", tmp_path / "cache")
    assert back.breakages == ("removed tinyapi.extra",)


def test_a_file_that_differs_from_the_index_sha256_is_refused(local_index, tmp_path):
    local_index("tinyapi", {"1.0.0": tinyapi("1.0.0", V100), "1.0.1": tinyapi("1.0.1", V101)}, wrong_digest=True)
    diff = api_difference("tinyapi", "1.0.0", "1.0.1", tmp_path / "cache")
    assert "sha256 differs from the index's" in diff.error and not diff.breakages
    assert not (tmp_path / "cache" / "tinyapi-1.0.0").exists()


def test_a_release_with_no_python_source_is_an_error(local_index, tmp_path):
    empty = {"tinyapi-2.0.0-py3-none-any.whl": wheel("tinyapi", "2.0.0", {"tinyapi.data/README": "nothing\n"})}
    local_index("tinyapi", {"2.0.0": empty, "2.0.1": tinyapi("2.0.1", V101)})
    diff = api_difference("tinyapi", "2.0.0", "2.0.1", tmp_path / "cache")
    assert diff.error == "tinyapi-2.0.0: no Python package found to compare"
