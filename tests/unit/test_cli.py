"""The command line only wires: its errors are one line with the error's exit code, and
what it checks (stage names) it checks before any work."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys

import pytest

from conftest import ROOT, SCRIPTS
from flask_lts_tools import _exceptions
from flask_lts_tools._import_graph import modules
from flask_lts_tools.verify import stage_names


def tools(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flask_lts_tools", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(SCRIPTS), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip


@pytest.mark.parametrize("command", [["refresh", "2024", "--dry-run"], ["verify", "--channel", "2024"]])
def test_a_misspelt_stage_is_refused_before_any_work(command: list[str]):
    proc = tools(*command, "--stages", "install,imprts")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"error: unknown verify stage 'imprts'; stages are {', '.join(stage_names())}"
    ]


def test_the_stage_table_is_what_verify_runs_in_order():
    assert stage_names() == ("install", "pip-check", "imports", "apps", "upstream")


def test_every_error_class_lives_in_the_exceptions_module():
    outside = []
    for module, path in modules().items():
        if module.endswith("._exceptions"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                getattr(b, "id", getattr(b, "attr", "")).endswith(("Error", "Exception", "Problem")) for b in node.bases
            ):
                outside.append(f"{module}.{node.name}")
    assert outside == []


def test_every_error_is_a_flask_lts_error_with_an_exit_code():
    classes = [c for _, c in inspect.getmembers(_exceptions, inspect.isclass) if issubclass(c, Exception)]
    assert len(classes) >= 15
    for cls in classes:
        assert issubclass(cls, _exceptions.FlaskLTSError), cls
        assert isinstance(cls.exit_code, int) and cls.exit_code >= 1
        assert f" {cls.__name__}" in _exceptions.__doc__, f"{cls.__name__} is missing from the exit code table"


def test_an_unknown_channel_is_one_line_and_the_channel_error_code():
    proc = tools("audit", "--channel", "1999")
    assert proc.returncode == _exceptions.ChannelError.exit_code
    assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("error: ")
