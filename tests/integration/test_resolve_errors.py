"""`resolve` on bad input: a one-line error, a non-zero exit, and no output file changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import assert_one_line_error, channel_text, run_tools

pytestmark = pytest.mark.integration


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """A constraints dir holding a previous result, which a failed run must leave alone."""
    directory = tmp_path / "constraints"
    directory.mkdir()
    (directory / "flask-lts-t.txt").write_text("flask==3.0.3\n")
    return directory


def resolve(tmp_path: Path, out_dir: Path, *extra: str, env: dict[str, str] | None = None):
    return run_tools(
        "--channels-dir", str(tmp_path / "channels"), "--tools-dir", str(Path(".cache/tools").resolve()),
        "resolve", "t", "--out-dir", str(out_dir), "--no-universal", *extra, env=env,
    )  # fmt: skip


def assert_untouched(out_dir: Path) -> None:
    assert sorted(p.name for p in out_dir.rglob("*")) == ["flask-lts-t.txt"]
    assert (out_dir / "flask-lts-t.txt").read_text() == "flask==3.0.3\n"


CASES = {
    "unknown package": (channel_text(extras={"login": {"flask-loginn": "0.6"}}), ["'flask-loginn' does not exist"]),
    "series without release": (channel_text(extras={"login": {"flask-login": "0.42"}}), ["series 0.42 has no", "flask-login"]),
    "series that conflict": (
        channel_text(core={"flask": "3.0", "werkzeug": "2.3", "jinja2": "3.1", "markupsafe": "2.1", "itsdangerous": "2.2", "click": "8.1", "blinker": "1.8"}),
        ["cannot resolve together", "werkzeug", "Python 3.11"],
    ),
    "missing python": (channel_text(pythons=("3.11", "3.19")), ["Python 3.19", "not found", "--python 3.19="]),
    "syntax error": (channel_text().replace("[core]", "[core"), ["TOML syntax error"]),
}


@pytest.mark.parametrize("case", [c for c in CASES if CASES[c][1] is not None])
def test_bad_channel_is_refused_and_nothing_is_written(tmp_path, write_channel, out_dir, case):
    text, needles = CASES[case]
    write_channel(text)
    proc = resolve(tmp_path, out_dir)
    assert_one_line_error(proc, *needles)
    assert_untouched(out_dir)


def test_transitive_package_outside_the_channel_is_named(tmp_path, write_channel, out_dir):
    # Flask-Mail needs nothing outside the core; Flask-Babel pulls in babel and pytz,
    # which this channel does not freeze.
    write_channel(channel_text(extras={"babel": {"flask-babel": "4.0"}}))
    proc = resolve(tmp_path, out_dir)
    assert_one_line_error(proc, "is not frozen by the channel", "add it to [dependencies]")
    assert_untouched(out_dir)


def test_declared_exception_moves_a_pin_out_of_its_series(tmp_path, write_channel, out_dir):
    # A series constraint cannot be escaped through pip-compile, but a declared
    # exception that does not cover a pin must still be enforced: freeze Babel at
    # 2.15 while an exception moves it to 2.16 for Python 3.11 only.
    text = channel_text(
        extras={"babel": {"flask-babel": "4.0"}},
        dependencies={"babel": "2.15", "pytz": "2024.1"},
        extra='\n[[exceptions]]\npackage = "babel"\nseries = "2.16"\npython = ">=3.11"\nreason = "test"\n',
    )
    write_channel(text)
    proc = resolve(tmp_path, out_dir)
    assert proc.returncode == 0, proc.stderr
    assert "babel==2.16." in (out_dir / "flask-lts-t.txt").read_text()


def test_unreachable_index_is_reported_as_such(tmp_path, write_channel, out_dir):
    write_channel()
    proc = resolve(tmp_path, out_dir, env={"PIP_INDEX_URL": "http://127.0.0.1:9/simple"})
    assert_one_line_error(proc, "package index is unreachable")
    assert_untouched(out_dir)


def test_resolving_twice_gives_identical_bytes(tmp_path, write_channel):
    write_channel()
    out = tmp_path / "out"
    first = resolve(tmp_path, out)
    assert first.returncode == 0, first.stderr
    files = {p: p.read_bytes() for p in sorted(out.rglob("*.txt"))}
    assert {p.name for p in files} == {"flask-lts-t.txt", "flask-lts-t-hashes.txt", "py3.11.txt", "py3.11-hashes.txt"}
    second = resolve(tmp_path, out)
    assert second.returncode == 0, second.stderr
    assert {p: p.read_bytes() for p in sorted(out.rglob("*.txt"))} == files
    text = (out / "flask-lts-t.txt").read_text()
    assert "flask-login==0.6." in text and "werkzeug==3.0." in text
    assert "/opt/" not in text and "file://" not in text and "--index-url" not in text
    check = resolve(tmp_path, out, "--check")
    assert check.returncode == 0, check.stderr


def test_uv_resolves_and_pip_tools_checks_only_where_pins_change(tmp_path, write_channel):
    """uv resolves every Python; pip-tools (the reference) resolves again only a Python whose
    pins differ from the previous constraints, and the table says which tool gave the pins."""
    write_channel()
    out = tmp_path / "out"
    first = resolve(tmp_path, out)
    assert first.returncode == 0, first.stderr
    assert "pip-compile" in first.stdout + first.stderr  # no previous file: the reference ran
    assert "uv and pip-tools agree" in first.stdout
    second = resolve(tmp_path, out)
    assert second.returncode == 0, second.stderr
    assert "pip-compile" not in second.stdout + second.stderr
    assert "unchanged since the previous constraints" in second.stdout
    # an older pin in the previous file: the pins change, so pip-tools checks them again
    merged = out / "flask-lts-t.txt"
    text = merged.read_text()
    old = next(line for line in text.splitlines() if line.startswith("flask-login=="))
    merged.write_text(text.replace(old, "flask-login==0.6.0"))
    third = resolve(tmp_path, out)
    assert third.returncode == 0, third.stderr
    assert "pip-compile" in third.stdout + third.stderr and "uv and pip-tools agree" in third.stdout
    assert old in merged.read_text()
