"""Channel files: the shipped channels load, and every kind of bad input names file, line and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, channel_text
from flask_lts_tools._exceptions import ChannelError
from flask_lts_tools.channel import CORE_PACKAGES, in_series, load_channel, load_channels


def test_shipped_channels_load_and_follow_the_rules():
    channels = {c.name: c for c in load_channels(ROOT / "channels")}
    assert {"2024", "2026"} <= set(channels)
    c24, c26 = channels["2024"], channels["2026"]
    assert c24.core["flask"] == "3.0" and c24.core["werkzeug"] == "3.0"
    assert c26.core["flask"] == "3.1" and c26.core["werkzeug"] == "3.1"
    assert c24.pythons == ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13")
    assert "3.14" in c26.planned_pythons and "3.14" not in c26.pythons
    for channel in channels.values():
        assert set(CORE_PACKAGES) <= set(channel.core)
        assert channel.freeze_date < channel.release_date < channel.bugfix_until < channel.security_until
        # every exception carries a reason, and only applies to Pythons the channel claims
        for exc in channel.exceptions:
            assert exc.reason
            assert any(exc.python.contains(p + ".0") for p in channel.pythons)
        covered = {extra for extra in channel.extras} | {o.extra for o in channel.omitted}
        assert {"login", "sqlalchemy", "migrate", "wtf", "httpauth", "cors", "caching", "limiter", "mail",
                "babel", "moment", "socketio", "session", "jwt", "marshmallow", "restx", "smorest", "admin",
                "debugtoolbar", "talisman", "compress", "bcrypt"} <= covered
        assert set(channel.all_extras) == set(channel.extras)


def test_series_and_exceptions(write_channel):
    path = write_channel(
        dependencies={"greenlet": "3.0"},
        extra='\n[[exceptions]]\npackage = "greenlet"\nseries = "3.1"\npython = ">=3.13"\nreason = "no 3.13 build"\n',
    )
    channel = load_channel(path)
    assert channel.allowed_series("greenlet", "3.12") == "3.0"
    assert channel.allowed_series("Greenlet", "3.13") == "3.1"
    assert channel.allowed_series("flask", "3.13") == "3.0"
    assert channel.allowed_series("unknown-package", "3.12") is None
    assert in_series("3.0.6", "3.0") and not in_series("3.1.0", "3.0") and not in_series("3.10.0", "3.1")
    assert channel.version == "t.0"


BAD = [
    # (what, text transform, expected fragments of the message)
    ("toml syntax", lambda t: t.replace('name = "t"', 'name = "t'), ["TOML syntax error", "line 2"]),
    ("missing key", lambda t: t.replace("serial = 0\n", ""), ["missing required key 'serial'", "[channel]"]),
    ("unknown key", lambda t: t.replace("serial = 0", "serial = 0\nserail = 1"), [":9:", "unknown key 'serail'"]),
    ("bad series", lambda t: t.replace('flask = "3.0"', 'flask = "3.x"'), ["invalid series '3.x'", "[core] flask", ":15:"]),
    ("bad version in series", lambda t: t.replace('flask = "3.0"', 'flask = "3.0.*"'), ["invalid series"]),
    ("bad date", lambda t: t.replace("release-date = 2024-07-31", 'release-date = "July"'), ["must be a date", "release-date"]),
    ("dates out of order", lambda t: t.replace("bugfix-until = 2026-07-31", "bugfix-until = 2023-01-01"), ["bugfix-until", "before release-date"]),
    ("unknown extra in all", lambda t: t.replace('all = ["login"]', 'all = ["login", "loginn"]'), ["unknown extra 'loginn'", "[extras] all"]),
    ("bad python", lambda t: t.replace('supported = ["3.11"]', 'supported = ["3.11", "three"]'), ["'three' is not a Python version"]),
    ("python dead at freeze", lambda t: t.replace('supported = ["3.11"]', 'supported = ["3.7", "3.11"]'), ["Python 3.7 reached its end of life on 2023-06-27"]),
    ("default not supported", lambda t: t.replace('default = "3.11"', 'default = "3.12"'), ["default 3.12"]),
    ("bad status", lambda t: t.replace('status = "supported"', 'status = "maintained"'), ["status 'maintained'"]),
    ("name mismatch", lambda t: t.replace('name = "t"', 'name = "x"'), ["must match the file name"]),
    ("missing core package", lambda t: t.replace('click = "8.1"\n', ""), ["must freeze click"]),
    ("package with extras", lambda t: t.replace('flask-login = "0.6"', '"flask-login[x]" = "0.6"'), ["not a plain package name"]),
    ("two series for one package", lambda t: t.replace('[dependencies]', '[dependencies]\nflask = "2.3"'), ["one package has one series"]),
    ("unknown table", lambda t: t + "\n[extra]\nx = 1\n", ["unknown table 'extra'"]),
]


@pytest.mark.parametrize("what,transform,fragments", BAD, ids=[b[0] for b in BAD])
def test_bad_channel_files_get_one_clear_error(write_channel, what, transform, fragments):
    path = write_channel(transform(channel_text()))
    with pytest.raises(ChannelError) as info:
        load_channel(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message


def test_missing_file_is_named(tmp_path: Path):
    with pytest.raises(ChannelError, match="no such channel file"):
        load_channel(tmp_path / "nope.toml")


def test_exception_for_unfrozen_package_is_rejected(write_channel):
    path = write_channel(extra='\n[[exceptions]]\npackage = "greenlet"\nseries = "3.1"\nreason = "x"\n')
    with pytest.raises(ChannelError, match="does not freeze"):
        load_channel(path)
