"""The canary registry and its rejected candidates are data: each entry parses, names its
channels and versions, and a mistake is one error naming the file, the entry and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from flask_lts_tools._exceptions import CanaryError
from flask_lts_tools.canaries import load_canaries, select
from flask_lts_tools.canaries._propose import load_rejected, rejected_names
from flask_lts_tools.channel import load_channels

REGISTRY = ROOT / "channels" / "canaries" / "registry.toml"
REJECTED = ROOT / "channels" / "canaries" / "rejected.toml"


def test_the_registry_parses_and_every_canary_applies_to_a_real_channel():
    canaries = load_canaries(REGISTRY)
    channels = {c.name for c in load_channels(ROOT / "channels")}
    assert canaries
    for canary in canaries:
        assert set(canary.channels) <= channels, canary.name
        assert canary.chosen and canary.groups, canary.name
        assert canary.suite.package == canary.distribution


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "canaries.toml"
    path.write_text(text)
    return path


GOOD = '[canary.x]\ndistribution = "X-Lib"\nversions = { "2024" = "1.0" }\ngroups = ["login"]\nchosen = "r"\n'


def test_a_good_entry_becomes_a_suite_of_the_canonical_distribution(tmp_path):
    (canary,) = load_canaries(write(tmp_path, GOOD + 'tests = ["test"]\nextra-requirements = ["pytest-mock"]\n'))
    assert canary.distribution == "x-lib" and canary.versions == {"2024": "1.0"}
    assert canary.suite.tests == ("test",) and canary.suite.extra_requirements == ("pytest-mock",)


@pytest.mark.parametrize(
    "text, message",
    [
        (GOOD + "colour = 1\n", r"canaries.toml \[canary.x\]: unknown key\(s\) colour"),
        (GOOD.replace('chosen = "r"\n', ""), r"\[canary.x\]: missing 'chosen'"),
        (GOOD.replace('"1.0"', '"one"'), r"versions.2024: 'one' is not a version"),
        (GOOD + 'source = "svn"\n', r"source 'svn' is not one of sdist, git"),
        (GOOD + 'source = "git"\n', r"a git source needs git \(the URL\) and commit"),
        (GOOD + '[[canary.x.known-failure]]\ntest = "t.py::a"\n', r"a known failure names its test and its reason"),
        ("[canary.x\n", r"not valid TOML"),
        ('[canaries.x]\ndistribution = "x"\n', r"unknown table\(s\) canaries; canaries are \[canary.<name>\] tables"),
    ],
)
def test_a_bad_registry_is_one_error_naming_the_file_and_the_entry(tmp_path, text, message):
    with pytest.raises(CanaryError, match=message):
        load_canaries(write(tmp_path, text))


def test_known_failures_apply_to_their_channels_only(tmp_path):
    text = GOOD.replace('{ "2024" = "1.0" }', '{ "2024" = "1.0", "2026" = "1.1" }')
    text += '[[canary.x.known-failure]]\ntest = "t.py::a"\nreason = "needs network"\nchannels = ["2026"]\n'
    (canary,) = load_canaries(write(tmp_path, text))
    assert [k.test for k in canary.known_for("2026")] == ["t.py::a"]
    assert canary.known_for("2024") == []


def test_selecting_an_unknown_canary_names_the_known_ones(tmp_path):
    canaries = load_canaries(write(tmp_path, GOOD))
    assert select(canaries, "2024") == canaries and select(canaries, "2026") == []
    with pytest.raises(CanaryError, match=r"no canary named 'y'; the registry has x"):
        select(canaries, "2024", ["y"])


# The candidates the rule left out (channels/canaries/rejected.toml): data the proposer skips.


def test_the_committed_rejections_load_none_is_a_canary_and_each_says_why():
    rejected = load_rejected(REJECTED, REGISTRY)
    canaries = {str(c.distribution) for c in load_canaries(REGISTRY)}
    channels = {c.name for c in load_channels(ROOT / "channels")}
    assert len(rejected) >= 45 and "flask-appbuilder" in rejected
    assert set(rejected) & canaries == set()
    for name, entry in rejected.items():
        assert entry.reason and entry.checked, name
        assert set(entry.channels) <= channels, name
    assert rejected_names(REJECTED, REGISTRY) == set(rejected)


def test_a_rejection_may_name_a_release_per_channel_or_none(tmp_path):
    text = '[rejected.x]\nversion = { "2024" = "6.0.0", "2026" = "4.0.2" }\nreason = "no tests"\n'
    text += '[rejected.y]\nreason = "no release installs"\n'
    found = load_rejected(write_rejected(tmp_path, text))
    assert found["x"].version == {"2024": "6.0.0", "2026": "4.0.2"} and found["x"].channels == ("2024", "2026")
    assert found["y"].version == "" and found["y"].channels == () and found["y"].checked is None


def write_rejected(tmp_path: Path, text: str) -> Path:
    write(tmp_path, GOOD).rename(tmp_path / "registry.toml")  # the registry beside it: canary x-lib
    path = tmp_path / "rejected.toml"
    path.write_text(text)
    return path


BAD = '[rejected.flask-foo]\nversion = "1.0"\nchecked = 2026-11-30\nreason = "no tests"\n'


@pytest.mark.parametrize(
    "text, message",
    [
        ("[rejected.flask-foo\n", r"rejected.toml: not valid TOML"),
        (BAD + "rank = 12\n", r"rejected.toml \[rejected.flask-foo\]: unknown key\(s\) rank"),
        (BAD.replace('reason = "no tests"\n', ""), r"\[rejected.flask-foo\]: missing 'reason'"),
        (BAD.replace('"no tests"', '" "'), r"\[rejected.flask-foo\]: missing 'reason'"),
        (BAD.replace('"1.0"', '"1.0 / 1.1"'), r"\[rejected.flask-foo\]: version: '1.0 / 1.1' is not a PEP 440 version"),
        (BAD.replace('"1.0"', '{ "2024" = "none" }'), r"version.2024: 'none' is not a PEP 440 version"),
        (BAD.replace("flask-foo", "Flask_Foo"), r"\[rejected.Flask_Foo\]: write the name as 'flask-foo'"),
        (BAD.replace("2026-11-30", '"yesterday"'), r"checked 'yesterday' must be a date"),
        (BAD.replace("flask-foo", "x-lib"), r"\[rejected.x-lib\]: is a canary of .*registry.toml"),
        (BAD.replace("[rejected.", "[rejects."), r"unknown table\(s\) rejects"),
    ],
)
def test_a_bad_rejection_is_one_error_naming_the_file_and_the_entry(tmp_path, text, message):
    with pytest.raises(CanaryError, match=message) as caught:
        load_rejected(write_rejected(tmp_path, text))
    assert "\n" not in str(caught.value)
