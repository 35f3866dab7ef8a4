"""A suite that pytest cannot start is reported as such, never judged test by test; and a
test tool's plugin registered under a built-in plugin's name does not stop pytest from
starting (Werkzeug 0.16's suite: pytest-xprocess 0.12 brings pytest-cache, `cacheprovider`).
Real venvs, real pytest; only the suites are made up."""

from __future__ import annotations

from pathlib import Path

import pytest

from flask_lts_tools.pythons import require_interpreters
from flask_lts_tools.venvs import create
from flask_lts_tools.verify import Context, Options, load_set
from flask_lts_tools.verify import _pytest as verify_pytest  # not `pytest_plugins` here: pytest reads that name
from flask_lts_tools.verify._pytest import JUNIT_INTERNAL, install_test_tools, internal_cause, run_pytest, stopped_internally

pytestmark = pytest.mark.integration


def _ctx(tmp_path: Path, python: str, tools: list[str]) -> Context:
    interpreter = require_interpreters([python])[python]
    pins = tmp_path / "pins.txt"
    pins.write_text("iniconfig==2.0.0\n")
    ctx = Context(load_set(pins), python, create(tmp_path / "venv", interpreter), tmp_path, Options(), lambda message: None)
    install_test_tools(ctx, tools)
    return ctx


def _suite(tmp_path: Path, files: dict[str, str]) -> Path:
    directory = tmp_path / "suite"
    (directory / "tests").mkdir(parents=True)
    for name, text in files.items():
        (directory / name).write_text(text)
    return directory


def test_an_internal_error_of_pytest_is_recognised_as_a_suite_that_did_not_run(tmp_path):
    ctx = _ctx(tmp_path, "3.11", ["pytest==8.3.5"])
    directory = _suite(tmp_path, {
        "conftest.py": "def pytest_sessionstart(session):\n    raise RuntimeError('a plugin of the suite cannot start')\n",
        "tests/test_a.py": "def test_a():\n    assert True\n",
    })  # fmt: skip
    out, failures, counts, _ = run_pytest(ctx, directory, "internal", [], plugins=[])
    assert stopped_internally(out.returncode, failures), (out.returncode, failures)
    assert "a plugin of the suite cannot start" in out.tail(12)

    assert internal_cause(out.stdout + out.stderr) == "RuntimeError"
    assert not [p for p in failures if p.test != JUNIT_INTERNAL]  # no test of the suite ran

    # an internal error at the session's end, after the tests ran (Werkzeug 0.15 on Python 3.9):
    # the tests' results are there to judge, beside junit's entry for the error
    late = _suite(tmp_path / "late", {
        "conftest.py": (
            "def pytest_runtest_logreport(report):\n"
            "    if report.when == 'teardown' and report.nodeid.endswith('test_b'):\n"
            "        raise NotImplementedError('cannot instantiate')\n"
        ),
        "tests/test_a.py": "def test_a():\n    assert True\n\ndef test_b():\n    assert False\n",
    })  # fmt: skip
    out, failures, counts, _ = run_pytest(ctx, late, "late", [], plugins=[])
    assert stopped_internally(out.returncode, failures) and internal_cause(out.stdout + out.stderr) == "NotImplementedError"
    assert "tests/test_a.py::test_b" in {p.test.replace("tests.test_a::", "tests/test_a.py::") for p in failures}, failures

    fine = _suite(tmp_path / "other", {"tests/test_a.py": "def test_a():\n    assert True\n"})
    out, failures, counts, _ = run_pytest(ctx, fine, "fine", [], plugins=[])
    assert out.returncode == 0 and not stopped_internally(out.returncode, failures) and counts["tests"] == 1


def test_a_plugin_named_as_a_builtin_is_left_to_pytest_as_autoload_leaves_it(tmp_path):
    # Werkzeug 0.16.1's era: pytest 5.3.4 and pytest-cache 1.0 (its pytest11 entry point is
    # `cacheprovider`); the catalogue asks Werkzeug's suite for `-p cacheprovider`.
    ctx = _ctx(tmp_path, "3.8", ["pytest==5.3.4", "pytest-cache==1.0", "pytest-timeout==1.3.4"])
    modules = [module for _, module, _ in verify_pytest.pytest_plugins(ctx)]
    assert "pytest_timeout" in modules and "pytest_cache" not in modules, modules
    directory = _suite(tmp_path, {"tests/test_a.py": "def test_a():\n    assert True\n"})
    out, failures, counts, _ = run_pytest(ctx, directory, "cache", ["-p", "cacheprovider"], plugins=[])
    assert out.returncode == 0 and counts["tests"] == 1, out.tail(12)


_MAIN_MODULE_TEST = '''
import importlib.util, os, sys

def test_the_main_module_is_not_the_verifiers():
    # Flask 1.1's _find_package_path("__main__"): a spec found for __main__ names the folder
    # of the instance path (`Flask("__main__")`); none found, the working directory.
    try:
        spec = importlib.util.find_spec("__main__")
    except ValueError:
        spec = None
    assert spec is None, spec.origin
    assert sys.argv[0] == "pytest"
    assert os.getcwd() in sys.path
'''


@pytest.mark.parametrize("python,tools", [("3.8", ["pytest==5.2.1"]), ("3.12", ["pytest==8.3.3"])])
def test_pytest_starts_as_its_console_script_with_the_suite_first_on_sys_path(tmp_path, python, tools):
    # Under `python -m pytest` the main module was pytest's own, inside the test tools' folder:
    # Flask 1.1.1's test_main_module_paths found the instance path there, in every set.
    ctx = _ctx(tmp_path, python, tools)
    directory = _suite(tmp_path, {"tests/test_main.py": _MAIN_MODULE_TEST})
    out, failures, counts, _ = run_pytest(ctx, directory, "main", plugins=[])
    assert out.returncode == 0 and counts["tests"] == 1 and not failures, out.tail(20)
