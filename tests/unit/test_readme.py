"""The README's channel table and set-up commands stay true to the data and the Makefile."""

from __future__ import annotations

import re

from conftest import ROOT
from flask_lts_tools.channel import load_channels


def readme() -> str:
    return (ROOT / "README.md").read_text()


def test_channel_table_matches_the_channel_files():
    rows = {}
    for line in readme().split("## Channels", 1)[1].split("\n\n", 2)[1].splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells and re.fullmatch(r"\d{4}", cells[0]):
            rows[cells[0]] = cells
    channels = load_channels(ROOT / "channels")
    assert set(rows) == {c.name for c in channels}
    for channel in channels:
        name, status, series, pythons, released, bugfix, security = rows[channel.name]
        assert status == channel.status
        assert series == f"{channel.core['flask']} / {channel.core['werkzeug']}"
        assert pythons.startswith(", ".join(channel.pythons))
        for planned in channel.planned_pythons:
            assert f"{planned} planned" in pythons
        assert (released, bugfix, security) == tuple(
            str(d) for d in (channel.release_date, channel.bugfix_until, channel.security_until)
        )


def test_setup_commands_exist_in_the_makefile_and_ci_runs_the_test_command():
    text = readme()
    assert "    make resolve " in text and "    make test " in text
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^resolve:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_layout_names_files_and_folders_that_exist():
    section = readme().split("## Layout", 1)[1]
    named = set(re.findall(r"`((?:compat-apps|channels|scripts|constraints|resources|verify|site|_cli)[\w/<>.-]*|[\w]+\.py)`", section))
    package = ROOT / "scripts" / "flask_lts_tools"
    missing = []
    for name in sorted(named):
        if "<" in name:
            continue  # a pattern such as channels/<name>.toml
        candidates = [ROOT / name, package / name, package / "verify" / name.removeprefix("verify/")]
        if not any(c.exists() for c in candidates):
            missing.append(name)
    assert len(named) > 10
    assert missing == []
