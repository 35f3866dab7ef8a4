"""The toolkit's house plan: no import cycle, and every module imports on its own
(pip-tools keeps a test like the second one: a module that only works when another
was imported first is an accident waiting for a new entry point)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SCRIPTS
from flask_lts_tools._import_graph import cycles, graph, modules

MODULES = sorted(modules())


def test_the_toolkit_has_no_import_cycle():
    found = cycles(graph())
    assert found == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_a_cycle_is_found(tmp_path: Path):
    """The check can fail: a package whose verify and upstream modules import each other
    (the shape the toolkit had before verify became a package)."""
    package = tmp_path / "pkg"
    (package / "stages").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "verify.py").write_text("def run():\n    from .stages.upstream import run_upstream\n")
    (package / "stages" / "__init__.py").write_text("")
    (package / "stages" / "upstream.py").write_text("from ..verify import run\n")
    (package / "model.py").write_text("from . import verify\n")
    edges = graph(package)
    assert cycles(edges) == [["flask_lts_tools.stages.upstream", "flask_lts_tools.verify"]]


def test_verify_stages_depend_on_the_model_never_the_reverse():
    edges = graph()
    base = {"flask_lts_tools.verify._model", "flask_lts_tools.verify._context", "flask_lts_tools.verify._warnings"}
    for module in base:
        assert not any(".stages" in target for target in edges[module]), (module, edges[module])


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports_on_its_own(module: str):
    proc = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=60,
        env={"PYTHONPATH": str(SCRIPTS), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_test_modules_have_unique_names():
    """pytest's default import mode imports test modules by basename: two test_x.py in
    tests/unit and tests/integration stop the whole run at collection."""
    names = [p.name for p in (SCRIPTS.parent / "tests").rglob("test_*.py") if "data" not in p.parts]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []
