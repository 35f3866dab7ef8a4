"""Test tools overlay a real environment without touching it: the set wins imports,
the next overlay replaces the previous one, and removing it leaves the set alone."""

from __future__ import annotations

import subprocess

import pytest

from flask_lts_tools import testtools
from flask_lts_tools._exceptions import TestToolsError
from flask_lts_tools.pythons import require_interpreters
from flask_lts_tools.venvs import create

pytestmark = pytest.mark.integration

WHERE = "import importlib, sys\nfor m in sys.argv[1:]:\n    mod = importlib.import_module(m)\n    print(m, getattr(mod, '__version__', '?'), mod.__file__)"


def where(env, *modules: str) -> dict[str, tuple[str, str]]:
    out = subprocess.run([env.python, "-c", WHERE, *modules], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return {line.split()[0]: (line.split()[1], line.split()[2]) for line in out.stdout.splitlines()}


def test_overlay_beside_the_set(tmp_path):
    env = create(tmp_path / "venv", require_interpreters(["3.11"])["3.11"])
    pins = tmp_path / "set.txt"
    pins.write_text("iniconfig==2.0.0\n")
    installed = env.pip("install", "-c", str(pins), "iniconfig")
    assert installed.ok, installed.tail()
    before = env.freeze()
    cache = tmp_path / "cache"

    extra = testtools.overlay(env, ["pytest==8.3.5"], pins, cache)
    assert extra["pytest"] == "8.3.5" and "iniconfig" not in extra  # the set provides it
    found = where(env, "pytest", "iniconfig")
    assert found["pytest"][0] == "8.3.5" and str(cache.resolve()) in found["pytest"][1]
    assert "site-packages" in found["iniconfig"][1] and str(cache) not in found["iniconfig"][1]
    assert env.freeze() == before  # the environment pip made is untouched

    testtools.overlay(env, ["pytest==7.4.4"], pins, cache)  # the next suite's tools replace these
    assert where(env, "pytest")["pytest"][0] == "7.4.4"
    assert len(list((cache / f"py{env.interpreter.full_version}").iterdir())) >= 2  # both kept for warm runs

    testtools.remove(env)
    gone = subprocess.run([env.python, "-c", "import pytest"], capture_output=True, text=True, timeout=60)
    assert gone.returncode != 0 and "No module named 'pytest'" in gone.stderr
    assert env.freeze() == before


def test_a_tool_wins_over_a_module_another_distribution_of_the_set_ships(tmp_path):
    """pytest 7.2 ships a `py.py` shim; pytest-xprocess 0.22 needs the `py` library. In one
    site-packages the package beats the shim; with the tools' folder after site-packages the
    shim won, and Werkzeug 2.2.3's suite did not start under a set pinning pytest 7.2.1
    (`cannot import name 'std' from 'py'`). Just before site-packages, the tools' `py` is the
    one imported, and every distribution of the set is still the set's; the .pth line runs
    once even where site reads the environment's site-packages twice (lib64 -> lib)."""
    env = create(tmp_path / "venv", require_interpreters(["3.10"])["3.10"])
    pins = tmp_path / "set.txt"
    pins.write_text(
        "pytest==7.2.1\niniconfig==2.0.0\npluggy==1.0.0\npackaging==23.0\nattrs==22.2.0\n"
        "exceptiongroup==1.1.0\ntomli==2.0.1\n"
    )
    installed = env.pip("install", "-c", str(pins), "pytest")
    assert installed.ok, installed.tail()
    assert "site-packages/py.py" in where(env, "py")["py"][1]  # the shim, before any tools
    cache = tmp_path / "cache"
    extra = testtools.overlay(env, ["pytest-xprocess==0.22.2"], pins, cache)
    assert extra["py"] == "1.11.0" and "pytest" not in extra
    found = where(env, "py", "pytest", "xprocess")
    assert str(cache.resolve()) in found["py"][1] and found["py"][1].endswith("py/__init__.py")
    assert found["pytest"][0] == "7.2.1" and "site-packages" in found["pytest"][1]
    listed = subprocess.run([env.python, "-c", "import sys; print(sys.path)"], capture_output=True, text=True, timeout=60)
    assert listed.stdout.count(str(cache.resolve())) == 1 and not listed.stderr, listed.stderr
    testtools.remove(env)


def test_tools_that_need_another_version_of_the_set_are_refused(tmp_path):
    env = create(tmp_path / "venv", require_interpreters(["3.11"])["3.11"])
    pins = tmp_path / "set.txt"
    pins.write_text("pluggy==1.0.0\n")  # pytest 8.3 needs pluggy >= 1.5
    with pytest.raises(TestToolsError, match="could not resolve the test tools pytest==8.3.5"):
        testtools.overlay(env, ["pytest==8.3.5"], pins, tmp_path / "cache")


def test_a_tool_needing_a_backport_build_the_environment_lacks_gets_it_from_the_sets_index(tmp_path):
    """A canary's environment holds only what the canary needs; its test tools may need another
    package of the set (flask-dance's tools need PyJWT), which channel 2024 pins to its own build
    2.8.0+lts2024.2, served only by the channel's index (named in the constraints). Seen in the
    refresh of 2026-11-30: the tools resolved under the constraints, and their install, asked of
    the package index alone, failed."""
    import tempfile
    from pathlib import Path

    from flask_lts_tools import _layout as layout
    from flask_lts_tools.backports._local import served_index

    env = create(tmp_path / "venv", require_interpreters(["3.11"])["3.11"])
    with tempfile.TemporaryDirectory() as site, served_index("2024", layout.PACKAGES, Path(site)) as base:
        pins = tmp_path / "set.txt"
        pins.write_text(f"--extra-index-url {base}2024/simple/\niniconfig==2.0.0\npyjwt==2.8.0+lts2024.2\n")
        extra = testtools.overlay(env, ["pyjwt"], pins, tmp_path / "cache")
    assert extra["pyjwt"] == "2.8.0+lts2024.2"
    found = where(env, "jwt")
    assert str((tmp_path / "cache").resolve()) in found["jwt"][1]
    version = subprocess.run(
        [env.python, "-c", "import importlib.metadata as m; print(m.version('pyjwt'))"], capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert version.stdout.strip() == "2.8.0+lts2024.2"


def test_tools_dependencies_are_held_to_the_era_but_the_sets_pins_are_not(tmp_path):
    # pyOpenSSL 19.1.0 (Werkzeug 0.16's and Flask 1.1's suites) with today's cryptography fails
    # at import (`module 'lib' has no attribute ...`): its dependencies come from its era too.
    import datetime as dt

    from packaging.version import Version

    env = create(tmp_path / "venv", require_interpreters(["3.8"])["3.8"])
    pins = tmp_path / "set.txt"
    pins.write_text("cffi==1.17.1\n")  # released 2024, years after the era: the set still wins
    era = dt.datetime(2020, 1, 27, tzinfo=dt.timezone.utc)
    held = testtools.resolve_tools(env, ["pyopenssl==19.1.0"], pins, tmp_path / "cache", era)
    assert Version(held["cryptography"]) < Version("2.9") and held["cffi"] == "1.17.1", held
    assert testtools.relaxation(env, ["pyopenssl==19.1.0"], pins, tmp_path / "cache", era) == ""
    today = testtools.resolve_tools(env, ["pyopenssl==19.1.0"], pins, tmp_path / "cache")
    assert Version(today["cryptography"]) >= Version("40"), today

    # a tool that did not exist then: it (and what only its later releases need) is let through
    # at today's, named; the rest of the closure stays held
    later = testtools.resolve_tools(env, ["pytest==8.3.5", "pyopenssl==19.1.0"], pins, tmp_path / "cache", era)
    assert later["pytest"] == "8.3.5" and Version(later["cryptography"]) < Version("2.9"), later
    said = testtools.relaxation(env, ["pytest==8.3.5", "pyopenssl==19.1.0"], pins, tmp_path / "cache", era)
    assert "held to the era but for" in said and "pytest" in said and "cryptography" not in said, said
