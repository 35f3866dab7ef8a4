"""What may enter a frozen channel: holds are data in the channel file, checked like the rest
of it, and become constraints the resolver obeys; the status policy is in admission.py."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest

from flask_lts_tools._exceptions import ChannelError
from flask_lts_tools.admission import admission_lines
from flask_lts_tools.channel import load_channel
from flask_lts_tools.resolve import _input_files

HOLD = """
[[held]]
package = "Flask-Login"
held-at = "0.6.2"
refused = "0.6.3"
canaries = ["some-app"]
tests = ["tests/test_a.py::test_login"]
decided = 2026-11-30
review = 2027-02-28
reason = "0.6.3 regresses some-app's login tests"
"""


def test_a_hold_is_read_and_refuses_exactly_its_release(write_channel, tmp_path: Path):
    channel = load_channel(write_channel(extra=HOLD))
    (hold,) = channel.held
    assert (hold.package, hold.held_at, hold.refused, hold.review) == ("flask-login", "0.6.2", "0.6.3", _dt.date(2027, 2, 28))
    lines = admission_lines(channel, "3.11")  # a supported channel: holds only, no index query
    assert [a.line for a in lines] == ["flask-login!=0.6.3"]
    assert "held at 0.6.2: 0.6.3 regresses some-app" in lines[0].reason
    infile = _input_files(channel, "3.11", tmp_path, lines)
    assert "flask-login!=0.6.3" in (tmp_path / "series.txt").read_text().splitlines()
    assert infile.read_text().endswith("-c series.txt\n")


@pytest.mark.parametrize(
    "change, message",
    [
        (('package = "Flask-Login"', 'package = "flask-mail"'), "hold for 'flask-mail', which the channel does not freeze"),
        (('refused = "0.6.3"', 'refused = "0.6.1"'), "refused must be newer than held-at"),
        (('held-at = "0.6.2"', 'held-at = "zero"'), "held-at 'zero' is not a version"),
        (('canaries = ["some-app"]', "canaries = []"), "canaries must be a non-empty list of strings"),
        (("review = 2027-02-28", "review = 2026-11-01"), "review must be after decided"),
        (('reason = "0.6.3 regresses some-app\'s login tests"\n', ""), "reason"),
    ],
)
def test_a_bad_hold_is_one_error_naming_the_file_and_the_table(write_channel, change, message):
    path = write_channel(extra=HOLD.replace(*change))
    with pytest.raises(ChannelError) as raised:
        load_channel(path)
    assert str(raised.value).startswith(str(path)) and "held" in str(raised.value) and message in str(raised.value)


CHOICE = """
[[series-choices]]
package = "flask-login"
chosen = "0.6"
instead-of = "0.5"
canaries = ["some-app"]
tests = ["tests/test_a.py::test_login"]
evidence = ["canaries-series: some-app passes with flask-login 0.5.*"]
decided = 2026-11-30
reason = "0.5 is no longer maintained"
users = "some-app users: set LOGIN_DISABLED in tests"
"""


def test_a_series_choice_is_read_and_must_match_what_the_channel_freezes(write_channel):
    channel = load_channel(write_channel(extra=CHOICE))
    (choice,) = channel.series_choices
    assert (choice.package, choice.chosen, choice.instead_of, choice.newer_chosen) == ("flask-login", "0.6", "0.5", True)
    assert choice.users.startswith("some-app users")


@pytest.mark.parametrize(
    "change, message",
    [
        (('chosen = "0.6"', 'chosen = "0.5.9"'), "chosen '0.5.9' is not what the channel freezes"),
        (('package = "flask-login"', 'package = "flask-mail"'), "series choice for 'flask-mail', which the channel does not freeze"),
        (('users = "some-app users: set LOGIN_DISABLED in tests"\n', ""), "say in users what the canaries' users should do"),
        (('instead-of = "0.5"', 'instead-of = "0.6"'), "chosen and instead-of are the same"),
        (('evidence = ["canaries-series: some-app passes with flask-login 0.5.*"]', "evidence = []"), "evidence must be a non-empty list"),
    ],
)
def test_a_bad_series_choice_is_one_error_naming_the_file_and_the_table(write_channel, change, message):
    path = write_channel(extra=CHOICE.replace(*change))
    with pytest.raises(ChannelError) as raised:
        load_channel(path)
    assert str(raised.value).startswith(str(path)) and "series-choices" in str(raised.value) and message in str(raised.value)


def test_the_committed_series_choices_name_real_canaries():
    """Every canary a channel's series choice names is in the registry."""
    from conftest import ROOT
    from flask_lts_tools.canaries import load_canaries

    names = {c.name for c in load_canaries()}
    for path in sorted((ROOT / "channels").glob("*.toml")):
        for choice in load_channel(path).series_choices:
            assert set(choice.canaries) <= names, (path, choice.canaries)
