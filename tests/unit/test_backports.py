"""Backports as data and as output: the patch series, the local version, patch application
(a patch that no longer applies is one line naming it), the simple index with its hashes,
the OpenVEX document and constraints moved to the builds."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from conftest import ROOT, SCRIPTS
from flask_lts_tools._exceptions import BackportError
from flask_lts_tools.backports import load_backports, local_version, openvex, pin_builds, purl, simple_index, with_index
from flask_lts_tools.backports._build import apply_series, set_version
from flask_lts_tools.backports._normalise import needs_normalising, normalise_sdist
from flask_lts_tools.backports._series import load_package, read_patch

PATCH = """\
Description: make greet polite
Origin: backport, https://example.invalid/commit/abc
Advisory: GHSA-aaaa-bbbb-cccc
Applied-Upstream: 1.1.0
Regression-Tests:
 tests/test_greet.py::test_polite

diff --git a/src/greet.py b/src/greet.py
--- a/src/greet.py
+++ b/src/greet.py
@@ -1,2 +1,2 @@
 def greet():
-    return "hi"
+    return "hello"
"""


def _package(tmp_path: Path, patch: str = PATCH, series: list[str] | None = None) -> Path:
    folder = tmp_path / "channels" / "2024" / "patches" / "greet"
    folder.mkdir(parents=True)
    (folder / "GHSA-aaaa-bbbb-cccc.patch").write_text(patch)
    names = series if series is not None else ["GHSA-aaaa-bbbb-cccc.patch"]
    (folder / "backport.toml").write_text(
        f'release = "1.0.0"\nrevision = 2\nbuild-requires = ["flit_core==3.9.0"]\nseries = {json.dumps(names)}\n'
    )
    return folder


def _tree(tmp_path: Path, body: str = 'def greet():\n    return "hi"\n') -> Path:
    tree = tmp_path / "greet-1.0.0"
    (tree / "src").mkdir(parents=True)
    (tree / "src" / "greet.py").write_text(body)
    return tree


def test_the_2024_channel_backports_the_four_werkzeug_safe_join_advisories():
    (werkzeug,) = load_backports("2024", ROOT / "channels", package="werkzeug")
    assert werkzeug.package == "werkzeug" and werkzeug.release == "3.0.6"
    assert werkzeug.version == "3.0.6+lts2024.1"
    assert [(p.advisory, p.fixed_upstream) for p in werkzeug.patches] == [
        ("GHSA-hgf8-39gv-g3f2", "3.1.4"), ("GHSA-87hc-h4r5-73f7", "3.1.5"),
        ("GHSA-29vq-49wr-vm6x", "3.1.6"), ("GHSA-g6x2-hccm-hh4m", "3.1.9"),
    ]  # fmt: skip
    assert all(p.regression_tests and all(t.startswith("tests/test_security.py::") for t in p.regression_tests) for p in werkzeug.patches)
    # every advisory has a record the audit reads
    for patch in werkzeug.patches:
        assert any(patch.advisory in p.read_text() for p in (ROOT / "advisories").glob("*/werkzeug/*"))


def test_the_2024_channel_backports_eleven_pyjwt_advisories_into_one_build():
    (pyjwt,) = load_backports("2024", ROOT / "channels", package="pyjwt")
    assert (pyjwt.release, pyjwt.version) == ("2.8.0", "2.8.0+lts2024.2")  # revision 2 added GHSA-jwrc and GHSA-42vr
    assert pyjwt.build_requires == ("setuptools==68.0.0", "wheel==0.40.0")  # 2.8.0's era; the sdist is normalised
    assert [(p.advisory, p.fixed_upstream) for p in pyjwt.patches] == [
        ("GHSA-752w-5fwx-jx9f", "2.12.0"), ("GHSA-xgmm-8j9v-c9wx", "2.13.0"),
        ("GHSA-w2cx-738m-mc7w", "2.14.0"), ("GHSA-r6x4-923q-g947", "2.14.0"), ("GHSA-ffc3-869f-jxw9", "2.14.0"),
        ("GHSA-p4g4-x82p-q773", "2.14.0"), ("GHSA-8wjv-2p76-3863", "2.14.0"), ("GHSA-w6j9-cwv2-h6wq", "2.14.0"),
        ("GHSA-hxm8-2xgr-2p9m", "2.14.0"), ("GHSA-jwrc-g2q2-pq5p", "2.14.0"), ("GHSA-42vr-xj54-vc7v", "2.15.0"),
    ]  # fmt: skip
    by_id = {p.advisory: p for p in pyjwt.patches}
    assert by_id["GHSA-752w-5fwx-jx9f"].aliases == ("PYSEC-2026-120", "CVE-2026-32597")
    assert by_id["GHSA-xgmm-8j9v-c9wx"].aliases == ("PYSEC-2026-179", "CVE-2026-48526")
    assert by_id["GHSA-42vr-xj54-vc7v"].aliases == ("CVE-2026-101918", "PYSEC-2026-4141")
    assert all(p.regression_tests and all(t.startswith("tests/test_") for t in p.regression_tests) for p in pyjwt.patches)
    for patch in pyjwt.patches:  # every advisory has a record the audit reads
        assert any(patch.advisory in p.read_text() for p in (ROOT / "advisories").glob("*/pyjwt/*"))


def test_the_local_version_matches_the_frozen_pin_and_orders_below_the_next_release():
    version = Version(local_version("3.0.6", "2024", 1))
    assert str(version) == "3.0.6+lts2024.1" and version.local == "lts2024.1"
    assert SpecifierSet("==3.0.6").contains(version)  # every ==3.0.6 pin (and ==3.0.*) accepts the build
    assert not SpecifierSet("===3.0.6").contains(str(version))
    assert Version("3.0.6") < version < Version(local_version("3.0.6", "2024", 2)) < Version("3.0.6.post1") < Version("3.0.7")
    with pytest.raises(BackportError):
        local_version("3.0.6", "lts-2024", 1)


def test_a_patch_that_applies_changes_the_tree(tmp_path: Path):
    backports = load_package(_package(tmp_path), "2024")
    tree = _tree(tmp_path)
    apply_series(tree, backports.patches, "greet 1.0.0")
    assert '"hello"' in (tree / "src" / "greet.py").read_text()
    assert sorted(p.name for p in (tree / "src").iterdir()) == ["greet.py"]  # no .orig/.rej left behind


def test_a_patch_that_no_longer_applies_is_one_line_naming_it_and_touches_nothing(tmp_path: Path):
    backports = load_package(_package(tmp_path), "2024")
    tree = _tree(tmp_path, 'def greet():\n    return "hey"\n')
    with pytest.raises(BackportError) as caught:
        apply_series(tree, backports.patches, "greet 1.0.0")
    message = str(caught.value)
    assert len(message.splitlines()) == 1
    assert message.startswith(str(backports.patches[0].path) + ": no longer applies to greet 1.0.0")
    assert "rebase it" in message
    assert (tree / "src" / "greet.py").read_text() == 'def greet():\n    return "hey"\n'
    assert sorted(p.name for p in (tree / "src").iterdir()) == ["greet.py"]


def test_the_cli_says_a_patch_no_longer_applies_in_one_line(tmp_path: Path):
    """Through the command line: exit code 19 and one `error:` line naming the patch file."""
    channels = tmp_path / "channels"
    channels.mkdir()
    (channels / "2024.toml").write_text((ROOT / "channels" / "2024.toml").read_text())
    folder = channels / "2024" / "patches" / "werkzeug"
    folder.mkdir(parents=True)
    source = ROOT / "channels" / "2024" / "patches" / "werkzeug"
    (folder / "backport.toml").write_text((source / "backport.toml").read_text())
    for patch in source.glob("*.patch"):
        text = patch.read_text()
        if patch.name == "GHSA-87hc-h4r5-73f7.patch":
            text = text.replace('-    "CON",\n-    "PRN",', '-    "CON",\n-    "PRN ",')  # context that is not in 3.0.6 + the first fix
        (folder / patch.name).write_text(text)
    proc = subprocess.run(
        [sys.executable, "-m", "flask_lts_tools", "--channels-dir", str(channels), "backport", "build", "2024",
         "--work-dir", str(tmp_path / "work"), "--packages-dir", str(tmp_path / "packages"), "--python", f"3.11={sys.executable}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={"PYTHONPATH": str(SCRIPTS), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    lines = [l for l in proc.stderr.splitlines() if l.startswith("error:")]
    assert proc.returncode == 19, proc.stderr
    assert len(lines) == 1 and lines[0].startswith(f"error: {folder / 'GHSA-87hc-h4r5-73f7.patch'}: no longer applies to werkzeug 3.0.6")
    assert not (tmp_path / "packages").exists() and not list((tmp_path / "work").rglob("*.whl"))


def test_patch_headers_and_series_are_checked(tmp_path: Path):
    folder = _package(tmp_path, PATCH.replace("Applied-Upstream: 1.1.0\n", ""))
    with pytest.raises(BackportError, match=r"GHSA-aaaa-bbbb-cccc.patch: its header lacks Applied-Upstream"):
        read_patch(folder / "GHSA-aaaa-bbbb-cccc.patch")
    (folder / "GHSA-dddd-eeee-ffff.patch").write_text(PATCH.replace("GHSA-aaaa-bbbb-cccc", "GHSA-dddd-eeee-ffff"))
    with pytest.raises(BackportError, match=r"GHSA-dddd-eeee-ffff.patch: not in the series"):
        load_package(folder, "2024")


def test_the_local_version_goes_into_the_static_project_version(tmp_path: Path):
    tree = _tree(tmp_path)
    (tree / "pyproject.toml").write_text('[project]\nname = "greet"\nversion = "1.0.0"\n\n[tool.x]\nversion = "9"\n')
    (tree / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: greet\nVersion: 1.0.0\n")
    set_version(tree, "1.0.0", "1.0.0+lts2024.2")
    assert 'version = "1.0.0+lts2024.2"' in (tree / "pyproject.toml").read_text()
    assert 'version = "9"' in (tree / "pyproject.toml").read_text()
    assert "Version: 1.0.0+lts2024.2" in (tree / "PKG-INFO").read_text()
    (tree / "pyproject.toml").write_text('[project]\nname = "greet"\ndynamic = ["version"]\n')
    with pytest.raises(BackportError, match="static"):
        set_version(tree, "1.0.0", "1.0.0+lts2024.2")


def test_a_setup_cfg_project_gets_the_local_version_where_its_metadata_reads_it(tmp_path: Path):
    # PyJWT 2.8.0: `version = attr: jwt.__version__`, a pyproject.toml without [project].
    tree = _tree(tmp_path)
    (tree / "pyproject.toml").write_text('[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n')
    (tree / "setup.cfg").write_text("[metadata]\nname = greet\nversion = attr: greet.__version__\n")
    (tree / "greet").mkdir()
    (tree / "greet" / "__init__.py").write_text('__version__ = "1.0.0"\n__title__ = "greet"\n')
    (tree / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: greet\nVersion: 1.0.0\n")
    set_version(tree, "1.0.0", "1.0.0+lts2024.1")
    assert (tree / "greet" / "__init__.py").read_text() == '__version__ = "1.0.0+lts2024.1"\n__title__ = "greet"\n'
    assert "version = attr: greet.__version__" in (tree / "setup.cfg").read_text()
    assert "Version: 1.0.0+lts2024.1" in (tree / "PKG-INFO").read_text()
    # a literal [metadata] version is set in setup.cfg itself
    (tree / "setup.cfg").write_text("[metadata]\nname = greet\nversion = 1.0.0\n\n[options]\npython_requires = >=3.7\n")
    set_version(tree, "1.0.0", "1.0.0+lts2024.1")
    assert "version = 1.0.0+lts2024.1\n" in (tree / "setup.cfg").read_text()
    # a version read from elsewhere (setup.py, a VCS plugin) is refused, naming setup.cfg
    (tree / "setup.cfg").write_text("[metadata]\nname = greet\n")
    with pytest.raises(BackportError, match=r"setup.cfg of 1.0.0: \[metadata\] version is missing"):
        set_version(tree, "1.0.0", "1.0.0+lts2024.1")
    (tree / "setup.cfg").write_text("[metadata]\nversion = attr: missing.__version__\n")
    with pytest.raises(BackportError, match="no module missing in the sdist"):
        set_version(tree, "1.0.0", "1.0.0+lts2024.1")


def _sdist(path: Path, mtime: int, uid: int, mode: int) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in (("greet-1.0.0/PKG-INFO", b"Version: 1.0.0\n"), ("greet-1.0.0/greet/__init__.py", b"x = 1\n")):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.uid, info.uname, info.mode = len(data), mtime, uid, f"user{uid}", mode
            archive.addfile(info, io.BytesIO(data))
    return path


def test_a_setuptools_sdist_is_made_reproducible_and_a_flit_one_is_left_alone(tmp_path: Path):
    one = _sdist(tmp_path / "one.tar.gz", 1_800_000_000, 1000, 0o664)
    time.sleep(1.1)  # another second in the gzip header
    two = _sdist(tmp_path / "two.tar.gz", 1_800_000_500, 0, 0o644)
    assert one.read_bytes() != two.read_bytes()
    for path in (one, two):
        normalise_sdist(path, 1_689_710_400)
    assert one.read_bytes() == two.read_bytes()
    with tarfile.open(one) as archive:
        members = archive.getmembers()
        assert [m.name for m in members] == ["greet-1.0.0/PKG-INFO", "greet-1.0.0/greet/__init__.py"]
        assert {(m.mtime, m.uid, m.gid, m.uname, m.mode) for m in members} == {(1_689_710_400, 0, 0, "", 0o644)}
        assert archive.extractfile("greet-1.0.0/greet/__init__.py").read() == b"x = 1\n"
    assert needs_normalising(["setuptools==68.0.0", "wheel==0.40.0"])
    assert not needs_normalising(["flit_core==3.9.0"])


def _wheel(name: str, version: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{name}-{version}.dist-info/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nRequires-Python: >=3.8\n")
    return buffer.getvalue()


def test_the_simple_index_links_every_file_with_its_sha256_in_html_and_json():
    wheel, sdist = _wheel("werkzeug", "3.0.6+lts2024.1"), b"not really a tarball"
    files = {"werkzeug-3.0.6+lts2024.1-py3-none-any.whl": wheel, "werkzeug-3.0.6+lts2024.1.tar.gz": sdist}
    out = simple_index(files)
    page = out["simple/werkzeug/index.html"].decode()
    for name, data in files.items():
        digest = hashlib.sha256(data).hexdigest()
        assert f'href="../../packages/{name.replace("+", "%2B")}#sha256={digest}"' in page
    assert 'data-requires-python="&gt;=3.8"' in page
    meta = out["packages/werkzeug-3.0.6+lts2024.1-py3-none-any.whl.metadata"]
    assert f'data-core-metadata="sha256={hashlib.sha256(meta).hexdigest()}"' in page
    data = json.loads(out["simple/werkzeug/index.json"])
    assert data["meta"] == {"api-version": "1.0"} and data["name"] == "werkzeug"
    assert {f["filename"]: f["hashes"]["sha256"] for f in data["files"]} == {n: hashlib.sha256(d).hexdigest() for n, d in files.items()}
    assert json.loads(out["simple/index.json"])["projects"] == [{"name": "werkzeug"}]
    assert '<a href="werkzeug/">werkzeug</a>' in out["simple/index.html"].decode()
    assert simple_index(files) == out  # byte-stable


RECORD = {
    "package": "werkzeug", "version": "3.0.6+lts2024.1", "release": "3.0.6", "published": "2026-12-01",
    "files": [{"filename": "werkzeug-3.0.6+lts2024.1-py3-none-any.whl", "sha256": "a" * 64}],
    "patches": [{"name": "GHSA-hgf8-39gv-g3f2.patch", "advisory": "GHSA-hgf8-39gv-g3f2", "aliases": ["PYSEC-2026-2046"],
                 "fixed_upstream": "3.1.4", "sha256": "b" * 64}],
    "gate": {"3.8": {}, "3.13": {}},
}  # fmt: skip


def test_openvex_says_fixed_for_each_advisory_and_build():
    doc = openvex("2024", [RECORD], "flask-lts maintainers", "https://flask-lts.github.io/flask-lts/2024/packages/vex.json")
    assert doc["@context"] == "https://openvex.dev/ns/v0.2.0" and doc["version"] == 1
    assert doc["timestamp"] == "2026-12-01T00:00:00Z"
    (statement,) = doc["statements"]
    assert statement["status"] == "fixed"
    assert statement["vulnerability"] == {"name": "GHSA-hgf8-39gv-g3f2", "aliases": ["PYSEC-2026-2046"]}
    (product,) = statement["products"]
    assert product["identifiers"]["purl"].startswith("pkg:pypi/werkzeug@3.0.6%2Blts2024.1?file_name=")
    assert product["hashes"] == {"sha-256": "a" * 64}
    assert purl("Werkzeug", "3.0.6+lts2024.1") == "pkg:pypi/werkzeug@3.0.6%2Blts2024.1"


def test_constraints_move_only_the_frozen_pin_to_the_build_with_its_hashes():
    text = (
        "# header\n\nwerkzeug==3.0.6\n    # via flask\nwerkzeug==3.0.5 ; python_version < \"3.9\"\n"
        "flask==3.0.3 \\\n    --hash=sha256:" + "1" * 64 + "\n"
        "werkzeug==3.0.6 ; python_version >= \"3.9\" \\\n    --hash=sha256:" + "2" * 64 + " \\\n    --hash=sha256:" + "3" * 64 + "\n    # via flask\n"
    )  # fmt: skip
    moved = pin_builds(text, {"werkzeug": ("3.0.6", "3.0.6+lts2024.1", ["f" * 64, "e" * 64])})
    assert moved.splitlines() == [
        "# header", "", "werkzeug==3.0.6+lts2024.1", "    # via flask", 'werkzeug==3.0.5 ; python_version < "3.9"',
        "flask==3.0.3 \\", "    --hash=sha256:" + "1" * 64,
        'werkzeug==3.0.6+lts2024.1 ; python_version >= "3.9" \\', "    --hash=sha256:" + "e" * 64 + " \\",
        "    --hash=sha256:" + "f" * 64, "    # via flask",
    ]  # fmt: skip
    indexed = with_index(moved, "https://example.invalid/2024/simple/")
    assert indexed.splitlines()[1:4] == [l for l in indexed.splitlines()[1:4] if l.startswith("#") or l.startswith("--extra")]
    assert "--extra-index-url https://example.invalid/2024/simple/" in indexed.splitlines()
    assert indexed.startswith("# header\n")


def test_the_gate_matches_failures_of_tests_in_classes_and_with_parameters(tmp_path: Path):
    # junit names a failure `dotted.module.Class::name[param]`; the patches list node ids.
    # Tests inside a class (PyJWT's) once never matched, so the gate saw them all passing.
    from flask_lts_tools.backports._gate import failing_tests

    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_api_jws.py").write_text("")
    (tmp_path / "tests" / "test_security.py").write_text("")
    tests = [
        "tests/test_api_jws.py::TestJWS::test_decode_rejects_empty_crit",
        "tests/test_api_jws.py::TestJWS::test_decode_accepts_supported_crit_extension",
        "tests/test_api_jws.py::TestJWS::test_mutations[<lambda>0]",
        "tests/test_security.py::test_safe_join_windows_special[b/CON]",
        "tests/test_security.py::test_safe_join_windows_special[a::b]",
    ]
    failed = [
        "tests.test_api_jws.TestJWS::test_decode_rejects_empty_crit",
        "tests.test_api_jws.TestJWS::test_mutations[<lambda>0]",
        "tests.test_security::test_safe_join_windows_special[a::b]",
        "tests.test_other::test_unrelated",
    ]
    assert failing_tests(tmp_path, tests, failed) == [tests[0], tests[2], tests[4]]
    assert failing_tests(tmp_path, tests, []) == []
