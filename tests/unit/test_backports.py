"""Backports as data and as output: the patch series, the local version, patch application
(a patch that no longer applies is one line naming it), the simple index with its hashes,
the OpenVEX document and constraints moved to the builds."""

from __future__ import annotations

import hashlib
import gzip
import io
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from conftest import ROOT, SCRIPTS
from flask_lts_tools._exceptions import BackportError
from flask_lts_tools.backports import load_backports, local_version, openvex, pin_builds, purl, simple_index, with_index
from flask_lts_tools.backports._build import apply_series, check_built_version, normalize_sdist, set_version
from flask_lts_tools.backports._gate import failed, suite_of
from flask_lts_tools.verify.stages.upstream.catalogue import Suite, load_catalogue
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


def test_every_2024_backport_decision_names_a_patch_of_its_build_and_the_published_build_carries_it():
    """A decision that names its patch (not "pending") names a patch of the package's series,
    its version is that package's build, and the published build carries the patch."""
    from flask_lts_tools.backports import published_builds
    from flask_lts_tools.channel import load_channel

    channel = load_channel(ROOT / "channels" / "2024.toml")
    packages = {b.package: b for b in load_backports("2024", ROOT / "channels")}
    published = {(r["package"], r["version"]): {p["advisory"] for p in r["patches"]} for r in published_builds("2024", ROOT / "packages")}
    named = [d for d in channel.decisions if d.decision == "backport" and not d.patch_pending]
    assert {d.package for d in named} >= {"werkzeug", "flask", "flask-cors", "flask-httpauth", "click", "marshmallow"}
    for decision in named:
        build = packages[decision.package]
        (patch,) = [p for p in build.patches if p.path.relative_to(ROOT).as_posix() == decision.patch]
        assert decision.version == build.version, decision.where
        assert decision.id == patch.advisory or decision.id in patch.aliases, decision.where
        assert patch.advisory in published[(build.package, build.version)], decision.where


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
    with pytest.raises(BackportError, match="no literal version '1.0.0'"):
        set_version(tree, "1.0.0", "1.0.0+lts2024.2")


def test_a_flit_dynamic_version_is_set_in_the_modules_dunder_version(tmp_path: Path):
    """click 8.1.8: `dynamic = ["version"]`, flit reads `__version__` from the package."""
    tree = _tree(tmp_path)
    (tree / "pyproject.toml").write_text('[project]\nname = "greet"\ndynamic = ["version"]\n\n[tool.x]\nversion = "1.0.0"\n')
    (tree / "src" / "greet" / "sub").mkdir(parents=True)
    (tree / "src" / "greet" / "__init__.py").write_text('__version__ = "1.0.0"\n')
    (tree / "src" / "greet" / "sub" / "__init__.py").write_text('__version__ = "0.1"\n')
    (tree / "tests").mkdir()
    (tree / "tests" / "test_version.py").write_text('__version__ = "1.0.0"\n')
    changed = set_version(tree, "1.0.0", "1.0.0+lts2024.2")
    assert (tree / "src" / "greet" / "__init__.py").read_text() == '__version__ = "1.0.0+lts2024.2"\n'
    assert (tree / "src" / "greet" / "sub" / "__init__.py").read_text() == '__version__ = "0.1"\n'  # another version: not the release's
    assert (tree / "tests" / "test_version.py").read_text() == '__version__ = "1.0.0"\n'  # tests are not the package
    assert 'version = "1.0.0"' in (tree / "pyproject.toml").read_text()  # not [project]
    assert changed == [tree / "src" / "greet" / "__init__.py"]


def test_a_setuptools_version_is_set_in_setup_cfg_or_what_setup_py_reads(tmp_path: Path):
    """flask-httpauth 4.8.0: setup.cfg's [metadata] version; flask-cors 4.0.2: setup.py execs
    flask_cors/version.py; both sdists carry an egg-info PKG-INFO besides their own."""
    tree = _tree(tmp_path)
    (tree / "setup.cfg").write_text("[metadata]\nname = greet\nversion = 1.0.0\n\n[bdist_wheel]\nuniversal = true\n")
    (tree / "setup.py").write_text("import setuptools\n\nsetuptools.setup()\n")
    (tree / "greet.egg-info").mkdir()
    for info in (tree / "PKG-INFO", tree / "greet.egg-info" / "PKG-INFO"):
        info.write_text("Metadata-Version: 2.1\nName: greet\nVersion: 1.0.0\n")
    set_version(tree, "1.0.0", "1.0.0+lts2024.2")
    assert "version = 1.0.0+lts2024.2\n" in (tree / "setup.cfg").read_text()
    assert all("Version: 1.0.0+lts2024.2" in p.read_text() for p in (tree / "PKG-INFO", tree / "greet.egg-info" / "PKG-INFO"))

    tree = _tree(tmp_path / "other")
    (tree / "setup.py").write_text("exec(open('greet/version.py').read())\nsetup(name='greet', version=__version__)\n")
    (tree / "greet").mkdir()
    (tree / "greet" / "version.py").write_text("__version__ = '1.0.0'\n")
    set_version(tree, "1.0.0", "1.0.0+lts2024.2")
    assert (tree / "greet" / "version.py").read_text() == "__version__ = '1.0.0+lts2024.2'\n"

    tree = _tree(tmp_path / "literal")
    (tree / "setup.py").write_text("setup(name='greet', version='1.0.0', python_requires='>=3.8')\n")
    set_version(tree, "1.0.0", "1.0.0+lts2024.2")
    assert "version='1.0.0+lts2024.2'" in (tree / "setup.py").read_text()


def _sdist(path: Path, names: list[str], mtime: float, owner: str, gzip_time: int) -> Path:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename=path.name, mode="wb", fileobj=buffer, mtime=gzip_time) as zipped:
        with tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as archive:
            for name in names:
                info = tarfile.TarInfo(f"greet-1.0.0/{name}")
                info.size, info.mtime, info.uname, info.uid = 5, mtime, owner, 1000 if owner else 0
                archive.addfile(info, io.BytesIO(b"hello"))
    path.write_bytes(buffer.getvalue())
    return path


def test_a_setuptools_sdist_is_made_reproducible_and_a_flit_one_is_left_as_it_is(tmp_path: Path):
    """setuptools writes the build's clock and user into its sdists; two builds must still give
    the same bytes. flit_core's sdists (Werkzeug's, Flask's: published) must not change."""
    epoch = 1725035573
    one = _sdist(tmp_path / "one.tar.gz", ["PKG-INFO", "setup.py"], 1796027702.58, "root", 1796027702)
    two = _sdist(tmp_path / "two.tar.gz", ["setup.py", "PKG-INFO"], 1796027725.63, "builder", 1796027725)
    assert normalize_sdist(one, epoch) and normalize_sdist(two, epoch)
    assert one.read_bytes() == two.read_bytes()
    with tarfile.open(one) as archive:
        assert [(m.name, m.mtime, m.uname, m.uid) for m in archive.getmembers()] == [
            ("greet-1.0.0/PKG-INFO", epoch, "", 0), ("greet-1.0.0/setup.py", epoch, "", 0)]
        assert archive.extractfile("greet-1.0.0/setup.py").read() == b"hello"
    assert not normalize_sdist(one, epoch)  # idempotent
    flit = _sdist(tmp_path / "flit.tar.gz", ["setup.py", "PKG-INFO"], 0, "", epoch)
    before = flit.read_bytes()
    assert not normalize_sdist(flit, epoch) and flit.read_bytes() == before


def test_a_build_that_does_not_carry_the_local_version_is_refused():
    check_built_version(["flask_cors-4.0.2+lts2024.1-py2.py3-none-any.whl", "flask_cors-4.0.2+lts2024.1.tar.gz"], "4.0.2+lts2024.1")
    check_built_version(["Flask-HTTPAuth-4.8.0+lts2024.1.tar.gz"], "4.8.0+lts2024.1")  # an unnormalised sdist name of its era
    with pytest.raises(BackportError, match=r"greet-1.0.0-py3-none-any.whl: built as 1.0.0, not the backport's version 1.0.0\+lts2024.2"):
        check_built_version(["greet-1.0.0-py3-none-any.whl"], "1.0.0+lts2024.2")


def test_the_gate_reads_failures_of_functions_params_and_unittest_methods():
    """junit names a failure `module.dotted::name` (functions) or `module.dotted.Class::name`
    (methods: flask-cors's tests are unittest classes); node ids name them `path.py::...`."""
    junit = {"tests.test_security::test_safe_join_windows_special[CON::x]",
             "tests.extension.test_app_extension.AppExtensionPlusInPath::test_plus_path_origin_allowed"}  # fmt: skip
    assert failed("tests/test_security.py::test_safe_join_windows_special[CON::x]", junit)
    assert not failed("tests/test_security.py::test_safe_join_windows_special[NUL]", junit)
    assert failed("tests/extension/test_app_extension.py::AppExtensionPlusInPath::test_plus_path_origin_allowed", junit)
    assert not failed("tests/extension/test_app_extension.py::AppExtensionPlusInPath::test_space_path_origin_allowed", junit)
    assert not failed("tests/extension/test_app_extension.py::OtherClass::test_plus_path_origin_allowed", junit)


def test_the_gate_runs_a_suite_the_catalogue_does_not_list_with_its_defaults():
    """marshmallow has no [suites.marshmallow] (make verify does not run it); its backport's gate
    runs the sdist's tests/ with discovered requirements instead of failing on the lookup."""
    catalogue = load_catalogue()
    assert "marshmallow" not in catalogue.suites
    assert suite_of(catalogue, "marshmallow", "3.21.0") == Suite("marshmallow")
    assert suite_of(catalogue, "click", "8.1.7") is catalogue.suites["click"]


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


def test_a_file_naming_the_channel_index_gets_the_new_url_not_a_second_index():
    # A serial that pins the builds names the site's index already; moving its pins again
    # for another base URL (a locally served site) must leave one index line.
    text = "# header\nwerkzeug==3.0.6+lts2024.1\n"
    once = with_index(text, "https://example.invalid/2024/simple/")
    twice = with_index(once, "http://127.0.0.1:8000/2024/simple/")
    assert [l for l in twice.splitlines() if l.startswith("--extra-index-url")] == ["--extra-index-url http://127.0.0.1:8000/2024/simple/"]
    assert twice == once.replace("https://example.invalid/", "http://127.0.0.1:8000/")
    assert with_index(once, "https://example.invalid/2024/simple/") == once
