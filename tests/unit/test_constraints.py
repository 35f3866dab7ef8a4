"""Constraints: parsing pinned sets, merging per-Python pins with exclusive markers."""

from __future__ import annotations

import pytest
from packaging.markers import Marker

from flask_lts_tools._exceptions import ConstraintsError
from flask_lts_tools.constraints import (
    Pin,
    Resolution,
    check_exclusive,
    merge,
    parse_pins,
    pins_for,
)
from flask_lts_tools.constraints_writer import render

PYTHONS = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]


def res(python: str, **pins: str) -> Resolution:
    return Resolution(python, {name.replace("_", "-"): Pin(name.replace("_", "-"), v) for name, v in pins.items()})


def test_parse_pip_compile_output_with_hashes_and_via():
    text = """# header
click==8.1.8 \\
    --hash=sha256:bbb \\
    --hash=sha256:aaa
    # via flask
flask==3.0.3 \\
    --hash=sha256:ccc
    # via
    #   -r channel.in
    #   flask-login
Foo_Bar==1.0 ; python_version < "3.10"
"""
    pins = parse_pins(text)
    assert [p.name for p in pins] == ["click", "flask", "foo-bar"]
    assert pins[0].hashes == ("sha256:aaa", "sha256:bbb")
    assert pins[0].via == ("flask",)
    assert pins[1].via == ("-r channel.in", "flask-login")
    assert pins[2].marker == Marker('python_version < "3.10"')


@pytest.mark.parametrize(
    "line,fragment",
    [
        ("flask>=3.0", "not pinned"),
        ("flask==3.0.*", "not pinned"),
        ("flask", "not pinned"),
        ("flask[async]==3.0.3", "extras"),
        ("-e git+https://example.invalid/x", "option line"),
        ("flask==3.0.3 ; python_version <", "not a requirement"),
    ],
)
def test_unpinned_or_malformed_lines_are_rejected_with_file_and_line(line, fragment):
    with pytest.raises(ConstraintsError) as info:
        parse_pins(f"# c\nclick==8.1.8\n{line}\n", "pins.txt")
    assert str(info.value).startswith("pins.txt:3:")
    assert fragment in str(info.value)


def test_a_requirements_file_may_carry_extras_where_asked():
    text = "flask[dotenv,async]==3.0.3 ; python_version >= '3.8'\nclick==8.1.8\n"
    pins = parse_pins(text, "requirements.txt", extras=True)
    assert pins[0].extras == ("async", "dotenv") and pins[1].extras == ()
    assert pins[0].requirement() == 'flask==3.0.3 ; python_version >= "3.8"'  # constraints never carry them
    with pytest.raises(ConstraintsError, match="requirements.txt:1: .* carries extras"):
        parse_pins(text, "requirements.txt")


def test_merge_same_everywhere_has_no_marker():
    merged = merge([res(p, flask="3.0.3") for p in PYTHONS])
    assert [p.requirement() for p in merged] == ["flask==3.0.3"]


def test_merge_differing_pins_get_exclusive_open_ended_ranges():
    resolutions = [res("3.8", click="8.1.8"), *[res(p, click="8.1.7") for p in PYTHONS[1:5]], res("3.13", click="8.2.0")]
    merged = merge(resolutions)
    assert [p.requirement() for p in merged] == [
        'click==8.1.8 ; python_version < "3.9"',
        'click==8.1.7 ; python_version >= "3.9" and python_version < "3.13"',
        'click==8.2.0 ; python_version >= "3.13"',
    ]
    # exactly one line applies on every Python, claimed or not (3.7, 3.20 included)
    for minor in range(0, 21):
        python = f"3.{minor}"
        assert len([p for p in merged if p.applies({"python_version": python, "python_full_version": python + ".0"})]) == 1


def test_merge_package_needed_on_old_pythons_only():
    resolutions = [res(p, flask="3.0.3", **({"importlib_metadata": "8.5.0"} if p in ("3.8", "3.9") else {})) for p in PYTHONS]
    filled = merge(resolutions)
    assert "importlib-metadata==8.5.0" in [p.requirement() for p in filled]  # constraints pin it everywhere
    exact = merge(resolutions, fill=False)
    assert 'importlib-metadata==8.5.0 ; python_version < "3.10"' in [p.requirement() for p in exact]
    assert pins_for(exact, "3.12").keys() == {"flask"}
    assert pins_for(exact, "3.8").keys() == {"flask", "importlib-metadata"}


def test_merge_keeps_platform_only_pins():
    colorama = Pin("colorama", "0.4.6", Marker('sys_platform == "win32"'))
    merged = merge([res("3.11", click="8.1.8")], [colorama])
    assert [p.requirement() for p in merged] == ["click==8.1.8", 'colorama==0.4.6 ; sys_platform == "win32"']


@pytest.mark.parametrize(
    "lines",
    [
        ["flask==3.0.3", "flask==3.0.2"],
        ['flask==3.0.3 ; python_version < "3.11"', "flask==3.0.2"],
        ['flask==3.0.3 ; python_version < "3.11"', 'flask==3.0.2 ; python_version >= "3.10"'],
        ['flask==3.0.3 ; python_version >= "3.8"', 'flask==3.0.2 ; sys_platform == "win32"'],
    ],
)
def test_overlapping_markers_are_refused(lines):
    with pytest.raises(ConstraintsError, match="flask"):
        check_exclusive(parse_pins("\n".join(lines)), PYTHONS)


def test_render_is_sorted_stable_and_hashes_need_hashes():
    pins = [Pin("click", "8.1.8", None, ("sha256:a", "sha256:b"), ("flask",)), Pin("flask", "3.0.3", None, ("sha256:c",))]
    text = render("# head", pins, hashes=True)
    assert text == render("# head", pins, hashes=True)
    assert text.splitlines()[2:] == [
        "click==8.1.8 \\",
        "    --hash=sha256:a \\",
        "    --hash=sha256:b",
        "    # via flask",
        "flask==3.0.3 \\",
        "    --hash=sha256:c",
    ]
    assert parse_pins(text) == [Pin("click", "8.1.8", None, ("sha256:a", "sha256:b"), ("flask",)), Pin("flask", "3.0.3", None, ("sha256:c",))]
    with pytest.raises(ConstraintsError, match="no hashes"):
        render("", [Pin("x", "1.0")], hashes=True)
