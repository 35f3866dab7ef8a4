"""A user's pinned set may be a requirements file with extras: read for installing, left out
of the constraints pip reads (pip refuses extras there)."""

from __future__ import annotations

from pathlib import Path

from flask_lts_tools.constraints import read_pins
from flask_lts_tools.verify import load_set
from flask_lts_tools.verify._run import _without_extras

TEXT = """\
# pip-compile output
flask[async,dotenv]==3.0.3 \\
    --hash=sha256:aaa
    # via -r requirements.in
Werkzeug[watchdog] == 3.0.6 ; python_version >= "3.8"  # trailing comment
watchdog==4.0.1
python-dotenv==1.0.1
asgiref==3.8.1
click==8.1.8
"""


def test_a_set_with_extras_installs_them_and_gives_pip_constraints_without_them(tmp_path: Path):
    path = tmp_path / "requirements.txt"
    path.write_text(TEXT)
    pinned = load_set(path)
    assert pinned.has_extras
    assert pinned.packages_to_install("3.12") == [
        "asgiref", "click", "flask[async,dotenv]", "python-dotenv", "watchdog", "werkzeug[watchdog]",
    ]  # fmt: skip
    copy = _without_extras(pinned, tmp_path)
    text = copy.read_text()
    assert "[" not in text and text.startswith("# requirements.txt without its extras")
    assert "flask==3.0.3 \\\n    --hash=sha256:aaa" in text and 'Werkzeug == 3.0.6 ; python_version >= "3.8"' in text
    # the copy reads as constraints: the same pins, none with extras
    assert [(p.name, p.version, p.hashes) for p in read_pins(copy)] == [(p.name, p.version, p.hashes) for p in pinned.pins]


def test_a_set_without_extras_is_given_to_pip_as_it_is(tmp_path: Path):
    path = tmp_path / "pins.txt"
    path.write_text("flask==3.0.3\nclick==8.1.8\n")
    pinned = load_set(path)
    assert not pinned.has_extras and pinned.pip_constraints == path.resolve()
    assert pinned.packages_to_install("3.12") == ["click", "flask"]
