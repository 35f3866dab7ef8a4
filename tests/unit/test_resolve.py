"""resolve: the output files (byte-stable reruns, atomic writes), the series check and the
conflict summary, on the committed 2024 resolution and real pip resolver output.

pip-compile itself runs against the index only in the integration tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from flask_lts_tools._exceptions import ConstraintsError, ResolutionError
from flask_lts_tools.channel import Channel, load_channel
from flask_lts_tools.constraints import Pin, Resolution, merge, read_pins
from flask_lts_tools.pythons import Interpreter
from flask_lts_tools import backports
from flask_lts_tools.resolve import (
    ChannelResolution,
    PythonResult,
    _conflict_summary,
    assemble,
    check_series,
    to_builds,
)
from flask_lts_tools.constraints import parse_pins
from flask_lts_tools.constraints_writer import check_options, constraint_files, write_constraints

COMMITTED = ROOT / "constraints"


def _result(python: str, pins: list[Pin]) -> PythonResult:
    interpreter = Interpreter(python, f"{python}.0", Path(sys.executable), "PATH")
    return PythonResult(python, interpreter, Resolution(python, {p.name: p for p in pins}), 0.0)


def resolution_of(channel: Channel, results: list[PythonResult], platform_pins: list[Pin] = ()) -> ChannelResolution:
    rs = [r.resolution for r in results]
    return ChannelResolution(channel, results, merge(rs, platform_pins), merge(rs, platform_pins, fill=False), list(platform_pins))


def committed_2024() -> ChannelResolution:
    """The 2024 channel's resolution, rebuilt from the committed per-Python pip-compile results."""
    channel = load_channel(ROOT / "channels" / "2024.toml")
    results = []
    for python in channel.pythons:
        pins = read_pins(COMMITTED / "2024" / f"py{python}-hashes.txt")
        # render writes "# via a, b" on one line; pip-compile gives one name per line
        pins = [dataclasses.replace(p, via=tuple(v for line in p.via for v in line.split(", "))) for p in pins]
        results.append(_result(python, pins))
    platform = [p for p in read_pins(COMMITTED / "flask-lts-2024-hashes.txt") if p.marker and "platform" in str(p.marker)]
    # serial 2024.2 on pins the channel's builds: assembled as resolve() does, naming its index
    return assemble(channel, results, platform, backports.channel_builds("2024", ROOT / "packages"))


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """A copy of the committed 2024 constraints (merged files and the per-Python folder)."""
    directory = tmp_path / "constraints"
    shutil.copytree(COMMITTED / "2024", directory / "2024")
    for name in ("flask-lts-2024.txt", "flask-lts-2024-hashes.txt"):
        shutil.copy(COMMITTED / name, directory / name)
    return directory


def snapshot(directory: Path) -> dict[str, bytes]:
    # the constraints files only: the folder also holds the channel's changelog (refresh writes it)
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*.txt")) if p.is_file()}


# -- output files --------------------------------------------------------------------------


def test_committed_constraints_are_remade_byte_for_byte_on_a_later_day(out_dir):
    before = snapshot(out_dir)
    files = constraint_files(committed_2024(), out_dir, dt.date(2031, 1, 1))
    assert sorted(str(p.relative_to(out_dir)) for p in files) == sorted(before)
    for path, text in files.items():
        assert text.encode() == before[str(path.relative_to(out_dir))], path
    assert not any("2031-01-01" in text for text in files.values())


def test_made_on_date_moves_only_in_the_files_whose_pins_changed(out_dir):
    resolution = committed_2024()
    # click moves on Python 3.12 only
    result = next(r for r in resolution.results if r.python == "3.12")
    click = result.resolution.pins["click"]
    result.resolution.pins["click"] = dataclasses.replace(click, version="8.1.99")
    resolution = assemble(resolution.channel, resolution.results, resolution.platform_pins, backports.channel_builds("2024", ROOT / "packages"))

    files = constraint_files(resolution, out_dir, dt.date(2031, 1, 1))
    changed = sorted(str(p.relative_to(out_dir)) for p, text in files.items() if "# Made on 2031-01-01." in text)
    assert changed == ["2024/py3.12-hashes.txt", "2024/py3.12.txt", "flask-lts-2024-hashes.txt", "flask-lts-2024.txt"]
    merged = files[out_dir / "flask-lts-2024.txt"]
    assert 'click==8.1.99 ; python_version >= "3.12" and python_version < "3.13"' in merged
    # the unchanged files are exactly the committed ones, old date included
    assert files[out_dir / "2024" / "py3.11.txt"] == (COMMITTED / "2024" / "py3.11.txt").read_text()


def test_files_without_a_previous_version_get_todays_date_and_their_header(tmp_path):
    files = constraint_files(committed_2024(), tmp_path, dt.date(2031, 1, 1))
    merged = files[tmp_path / "flask-lts-2024.txt"]
    assert "# Made on 2031-01-01.\n" in merged
    assert "#     make resolve CHANNEL=2024\n" in merged
    assert "# Channel 2024: Flask 3.0 / Werkzeug 3.0 series;\n" in merged
    assert "# Supported Python: 3.8, 3.9, 3.10, 3.11, 3.12, 3.13.\n" in merged
    # the hashed files carry every pin's hashes; the plain ones none
    assert "--hash=sha256:" in files[tmp_path / "flask-lts-2024-hashes.txt"]
    assert "--hash=" not in merged
    assert "--hash=" not in files[tmp_path / "2024" / "py3.8.txt"]


def test_a_rerun_after_writing_is_byte_identical(tmp_path):
    resolution = committed_2024()
    written = write_constraints(resolution, tmp_path, dt.date(2030, 5, 1))
    first = snapshot(tmp_path)
    assert len(written) == len(first) == 2 + 2 * len(resolution.channel.pythons)
    write_constraints(resolution, tmp_path, dt.date(2030, 5, 2))
    assert snapshot(tmp_path) == first
    assert all(oct(p.stat().st_mode & 0o777) == "0o644" for p in written)


def test_write_constraints_that_cannot_render_leaves_previous_files_untouched(out_dir):
    resolution = committed_2024()
    result = resolution.results[-1]
    result.resolution.pins["flask"] = dataclasses.replace(result.resolution.pins["flask"], hashes=(), version="3.0.99")
    resolution = resolution_of(resolution.channel, resolution.results, resolution.platform_pins)
    before = snapshot(out_dir)
    with pytest.raises(ConstraintsError, match="flask==3.0.99: no hashes"):
        write_constraints(resolution, out_dir, dt.date(2031, 1, 1))
    assert snapshot(out_dir) == before


def test_write_constraints_failing_midway_writes_none_of_the_files(out_dir):
    """The merged files are staged before the per-Python folder fails: none may land."""
    resolution = committed_2024()
    result = resolution.results[0]
    result.resolution.pins["click"] = dataclasses.replace(result.resolution.pins["click"], version="8.1.99")
    resolution = resolution_of(resolution.channel, resolution.results, resolution.platform_pins)
    shutil.rmtree(out_dir / "2024")
    (out_dir / "2024").write_text("a file where the per-Python folder goes\n")
    before = snapshot(out_dir)
    with pytest.raises(OSError):
        write_constraints(resolution, out_dir, dt.date(2031, 1, 1))
    assert snapshot(out_dir) == before  # no half-written merged file, no stray temporary file


# -- the series check ----------------------------------------------------------------------


@pytest.fixture
def channel(write_channel) -> Channel:
    path = write_channel(
        pythons=("3.12", "3.13"),
        dependencies={"greenlet": "3.0", "colorama": "0.4"},
        extra='\n[[exceptions]]\npackage = "greenlet"\nseries = "3.1"\npython = ">=3.13"\nreason = "no 3.13 wheels"\n',
    )
    return load_channel(path)


def pins(**versions: str) -> list[Pin]:
    return [Pin(name.replace("_", "-"), v, via=("flask",)) for name, v in versions.items()]


def test_pins_inside_their_series_and_declared_exceptions_pass(channel):
    results = [_result("3.12", pins(flask="3.0.3", greenlet="3.0.3")), _result("3.13", pins(flask="3.0.3", greenlet="3.1.1"))]
    check_series(channel, results, [])


def test_the_committed_2024_resolution_passes_its_series_check():
    resolution = committed_2024()
    check_series(resolution.channel, resolution.results, resolution.platform_pins)


def test_a_pin_outside_its_series_names_package_python_series_and_file(channel):
    with pytest.raises(ResolutionError) as info:
        check_series(channel, [_result("3.12", pins(flask="3.1.0"))], [])
    message = str(info.value)
    assert message.startswith("channel t: flask==3.1.0 on Python 3.12 is outside its frozen series 3.0")
    assert "[[exceptions]]" in message and str(channel.path) in message


def test_an_exception_covers_only_its_pythons(channel):
    with pytest.raises(ResolutionError, match=r"greenlet==3\.1\.1 on Python 3\.12 is outside its frozen series 3\.0"):
        check_series(channel, [_result("3.12", pins(greenlet="3.1.1")), _result("3.13", pins(greenlet="3.1.1"))], [])
    with pytest.raises(ResolutionError, match=r"greenlet==3\.0\.3 on Python 3\.13 is outside its frozen series 3\.1"):
        check_series(channel, [_result("3.13", pins(greenlet="3.0.3"))], [])


def test_an_unfrozen_package_names_who_needs_it_and_says_where_to_add_it(channel):
    pytz = Pin("pytz", "2024.1", via=("babel", "flask-babel"))
    with pytest.raises(ResolutionError) as info:
        check_series(channel, [_result("3.13", [pytz])], [])
    assert "pytz==2024.1 (needed by babel, flask-babel on Python 3.13) is not frozen by the channel" in str(info.value)
    assert f"add it to [dependencies] in {channel.path}" in str(info.value)


def test_several_problems_show_the_first_and_count_the_rest(channel):
    with pytest.raises(ResolutionError) as info:
        check_series(channel, [_result("3.12", pins(flask="3.1.0", click="9.0.0", pytz="2024.1"))], [])
    message = str(info.value)
    assert message.startswith("channel t: click==9.0.0 on Python 3.12")  # sorted by name
    assert message.endswith("(and 2 more)")
    assert "\n" not in message


def test_platform_pins_are_checked_against_the_series_too(channel):
    from packaging.markers import Marker

    win = Marker('sys_platform == "win32"')
    check_series(channel, [], [Pin("colorama", "0.4.6", win)])
    with pytest.raises(ResolutionError, match=r"colorama==0\.5\.0 \(other platforms\) is outside its frozen series 0\.4"):
        check_series(channel, [], [Pin("colorama", "0.5.0", win)])
    with pytest.raises(ResolutionError, match=r'pywin32==306 \(needed on other platforms: sys_platform == "win32"\) is not frozen'):
        check_series(channel, [], [Pin("pywin32", "306", win)])


# -- the conflict summary, on real pip resolver output -------------------------------------


def _wheel(directory: Path, name: str, version: str, *requires: str) -> None:
    dist_info = f"{name}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
    files = {
        f"{dist_info}/METADATA": metadata,
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    files[f"{dist_info}/RECORD"] = "".join(f"{f},,\n" for f in [*files, f"{dist_info}/RECORD"])
    with zipfile.ZipFile(directory / f"{name}-{version}-py3-none-any.whl", "w") as whl:
        for path, text in files.items():
            whl.writestr(path, text)


def pip_resolve(tmp_path: Path, *requirements: str) -> str:
    """pip's own resolver (the one pip-compile drives), offline on a folder of wheels; its output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-v", "--dry-run", "--no-index", "--find-links", str(tmp_path),
         "--disable-pip-version-check", *requirements],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert proc.returncode != 0, proc.stdout
    return proc.stdout + proc.stderr


def test_conflict_summary_keeps_the_cause_and_drops_the_advice(tmp_path):
    _wheel(tmp_path, "web", "1.0", "lib<2")
    _wheel(tmp_path, "worker", "1.0", "lib>=2")
    _wheel(tmp_path, "lib", "1.0")
    _wheel(tmp_path, "lib", "2.0")
    output = pip_resolve(tmp_path, "web", "worker")
    assert "To fix this" in output  # pip's advice, which the one-line error leaves out

    summary = _conflict_summary(output)
    parts = summary.split(" | ")
    assert parts[0] == "The conflict is caused by:"
    assert "web 1.0 depends on lib<2" in parts
    assert "worker 1.0 depends on lib>=2" in parts
    assert "To fix this" not in summary and "\n" not in summary


def test_conflict_summary_without_a_conflict_keeps_the_last_lines(tmp_path):
    output = pip_resolve(tmp_path, "no-such-package==1.0")
    summary = _conflict_summary(output + "WARNING: Location 'file:///x/' is ignored\n")
    assert "no-such-package" in summary
    assert "WARNING: Location" not in summary
    assert len(summary.split(" | ")) <= 6


# -- backport builds ---------------------------------------------------------------------------

BUILDS = backports.channel_builds("2024", ROOT / "packages")


def moved_2024(index_url: str | None = None) -> ChannelResolution:
    """The committed 2024 resolution with the channel's published builds, as resolve() makes it."""
    resolution = committed_2024()
    results = [to_builds(r, BUILDS) for r in resolution.results]
    return assemble(resolution.channel, results, resolution.platform_pins, BUILDS, index_url)


def test_the_published_werkzeug_build_is_what_the_2024_constraints_would_pin():
    assert BUILDS["werkzeug"] == ("3.0.6", "3.0.6+lts2024.1", [
        "770c5733222ec3069080700cb68c9fc7ce5099e3713ff62a27481ec19e0b77ae",
        "76b21844a9ed5f2a39d60201d1936a169b5417f3bb52d2bf0c38860658962407",
    ])  # fmt: skip
    # the committed constraints (serial 2024.2 on) pin every build
    committed = {p.name: p.version for p in read_pins(COMMITTED / "flask-lts-2024.txt") if p.marker is None}
    assert {name: build for name, (_, build, _) in BUILDS.items()} == {name: committed[name] for name in BUILDS}
    assert BUILDS["pyjwt"] == ("2.8.0", "2.8.0+lts2024.2", [  # the newest revision wins
        "4126e269296632071f428b76e2392efa2fdca038bdf64778885ba9ae740fecd1",
        "6681264f440df9454a96e7b82f9686bf40de4273d2157debf185b3d555b3fd42",
    ])  # fmt: skip


def test_constraints_pin_the_build_with_its_hashes_and_name_the_channel_index(tmp_path: Path):
    resolution = moved_2024()
    assert resolution.index_url == "https://flask-lts.github.io/flask-lts/2024/simple/"
    note = resolution.notes[-1]
    assert note.startswith("backport builds: ") and note.endswith(" (served by https://flask-lts.github.io/flask-lts/2024/simple/)")
    assert "werkzeug 3.0.6 -> 3.0.6+lts2024.1" in note and "pyjwt 2.8.0 -> 2.8.0+lts2024.2" in note
    files = constraint_files(resolution, tmp_path, dt.date(2031, 1, 1))
    assert len(files) == 2 + 2 * len(resolution.channel.pythons)
    build_hashes = {f"sha256:{h}" for h in BUILDS["werkzeug"][2]}
    for path, text in files.items():
        lines = text.splitlines()
        # after the header, before the pins: exactly one option line, the channel's own index
        assert [l for l in lines if l.startswith("-")] == ["--extra-index-url https://flask-lts.github.io/flask-lts/2024/simple/"], path
        first_pin = next(i for i, l in enumerate(lines) if l and not l.startswith(("#", "-")))
        assert lines.index("--extra-index-url https://flask-lts.github.io/flask-lts/2024/simple/") < first_pin
        assert all(l.startswith("#") for l in lines[:lines.index("--extra-index-url https://flask-lts.github.io/flask-lts/2024/simple/")])
        pins = {p.name: p for p in parse_pins(text, str(path)) if p.name == "werkzeug"}
        assert [p.version for p in parse_pins(text) if p.name == "werkzeug"] == ["3.0.6+lts2024.1"], path
        if "hashes" in path.name:
            assert set(pins["werkzeug"].hashes) == build_hashes, path
        assert "werkzeug==3.0.6\n" not in text and "werkzeug==3.0.6 " not in text
    # every pin is the committed one (serial 2024.2 pins the builds already)
    committed = {(p.name, str(p.marker)): p.version for p in read_pins(COMMITTED / "flask-lts-2024.txt")}
    moved = {(p.name, str(p.marker)): p.version for p in read_pins_text(files[tmp_path / "flask-lts-2024.txt"])}
    assert {k: v for k, v in committed.items() if v != moved.get(k)} == {}
    assert all(moved[(name, "None")] == version for name, (_, version, _) in BUILDS.items())


def read_pins_text(text: str) -> list[Pin]:
    return parse_pins(text)


def test_without_builds_nothing_moves_and_no_index_is_named(out_dir):
    resolution = committed_2024()
    results = [to_builds(r, {}) for r in resolution.results]
    plain = assemble(resolution.channel, results, resolution.platform_pins, {})
    assert plain.index_url is None
    files = constraint_files(plain, out_dir, dt.date(2031, 1, 1))
    assert all("--extra-index-url" not in text for text in files.values())


def test_a_published_file_names_no_index_but_the_channels_own(tmp_path: Path):
    with pytest.raises(ConstraintsError, match=r"'file:///srv/simple/2024/simple/' is not a channel index URL"):
        constraint_files(moved_2024("file:///srv/simple/2024/simple/"), tmp_path)
    with pytest.raises(ConstraintsError, match=r"is not a channel index URL \(http\(s\)://…/2024/simple/\)"):
        constraint_files(moved_2024("https://example.org/2026/simple/"), tmp_path)
    local = constraint_files(moved_2024("http://127.0.0.1:8000/2024/simple/"), tmp_path)  # a candidate served locally
    assert all("--extra-index-url http://127.0.0.1:8000/2024/simple/\n" in text for text in local.values())
    text = "# header\n--extra-index-url https://flask-lts.github.io/flask-lts/2024/simple/\n--find-links /opt/wheels\nflask==3.0.3\n"
    with pytest.raises(ConstraintsError, match=r"^f:3: option line '--find-links /opt/wheels' must not be published"):
        check_options(text, "2024", "https://flask-lts.github.io/flask-lts/2024/simple/", "f")
    with pytest.raises(ConstraintsError, match=r"^f:2: option line '--extra-index-url https://flask-lts.github.io/flask-lts/2024/simple/'"):
        check_options(text, "2024", None, "f")  # no build pinned: no index either


def test_a_rerun_with_the_build_is_byte_identical(tmp_path: Path):
    first = constraint_files(moved_2024(), tmp_path, dt.date(2031, 1, 1))
    write_constraints(moved_2024(), tmp_path, dt.date(2031, 1, 1))
    again = constraint_files(moved_2024(), tmp_path, dt.date(2032, 6, 1))
    assert again == first
