"""The import probe's idea of a distribution's top-level modules (resources/import_probe.py)."""

from __future__ import annotations

import importlib.metadata as metadata
import importlib.util
from pathlib import Path

from conftest import ROOT

spec = importlib.util.spec_from_file_location("import_probe", ROOT / "scripts/flask_lts_tools/resources/import_probe.py")
import_probe = importlib.util.module_from_spec(spec)
spec.loader.exec_module(import_probe)  # type: ignore[union-attr]


def dist(tmp_path: Path, record: list[str] | None, top_level: str | None) -> metadata.Distribution:
    info = tmp_path / "pkg-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n")
    if record is not None:
        (info / "RECORD").write_text("".join(f"{r},,\n" for r in [*record, "pkg-1.0.dist-info/RECORD"]))
    if top_level is not None:
        (info / "top_level.txt").write_text(top_level)
    return metadata.PathDistribution(info)


def test_a_declared_name_that_was_not_installed_is_not_probed(tmp_path: Path):
    # bcrypt 3.2: top_level.txt says _bcrypt, the extension is bcrypt/_bcrypt.abi3.so
    d = dist(tmp_path, ["bcrypt/__init__.py", "bcrypt/_bcrypt.abi3.so"], "_bcrypt\nbcrypt\n")
    assert import_probe.top_level_modules(d) == ["bcrypt"]


def test_an_egg_info_lists_its_source_tree_so_top_level_txt_decides(tmp_path: Path):
    # SQLAlchemy 1.3.11 installed by `setup.py install` (a venv without wheel): before Python
    # 3.12 importlib.metadata reads the egg-info's SOURCES.txt, i.e. lib/sqlalchemy/... and
    # setup.py; probing those gave "No module named 'lib'" and "'setup'"
    info = tmp_path / "SQLAlchemy-1.3.11-py3.8.egg-info"
    info.mkdir()
    (info / "PKG-INFO").write_text("Metadata-Version: 1.2\nName: SQLAlchemy\nVersion: 1.3.11\n")
    (info / "SOURCES.txt").write_text("setup.py\nlib/sqlalchemy/__init__.py\nlib/sqlalchemy/engine/base.py\ntest/conftest.py\n")
    (info / "top_level.txt").write_text("sqlalchemy\n")
    d = metadata.PathDistribution(info)
    assert import_probe.top_level_modules(d) == ["sqlalchemy"]


def test_record_alone_gives_packages_modules_and_extensions(tmp_path: Path):
    d = dist(tmp_path, ["flask_bcrypt.py", "_cffi_backend.cpython-312-x86_64-linux-gnu.so", "ns/sub/mod.py", "tests/__init__.py", "../../bin/tool"], None)
    assert import_probe.top_level_modules(d) == ["_cffi_backend", "flask_bcrypt", "ns"]


def test_top_level_txt_alone_when_no_record(tmp_path: Path):
    d = dist(tmp_path, None, "markupsafe\n")
    assert import_probe.top_level_modules(d) == ["markupsafe"]


def test_plugin_entry_points_are_probed_where_their_program_is_installed(tmp_path: Path):
    # pytest-flask 1.2.0 declares `pytest11: flask = pytest_flask.plugin`; pytest imports that
    # module at start-up, `import pytest_flask` never does (it fails on Flask 3.1).
    d = dist(tmp_path, ["pytest_flask/__init__.py", "pytest_flask/plugin.py"], "pytest_flask\n")
    info = tmp_path / "pkg-1.0.dist-info"
    (info / "entry_points.txt").write_text(
        "[pytest11]\nflask = pytest_flask.plugin\n\n[flask.commands]\ndb = flask_migrate.cli:db\n\n[console_scripts]\nx = x.main:run\n"
    )
    programs = {"pytest": importlib.util.find_spec("pytest") is not None, "flask": importlib.util.find_spec("flask") is not None}
    expected = [m for m, program in (("pytest_flask.plugin", "pytest"), ("flask_migrate.cli", "flask")) if programs[program]]
    assert programs["pytest"]  # the toolkit's own environment has pytest: the pytest11 module is probed
    assert import_probe.plugin_modules(d) == expected
