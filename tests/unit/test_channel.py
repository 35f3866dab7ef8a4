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


# -- [[advisories]]: one decision per advisory -------------------------------------------------------

_DECISION = {
    "id": '"GHSA-hgf8-39gv-g3f2"', "package": '"werkzeug"', "decision": '"backport"', "reason": '"Windows only; fixed in 3.1"',
    "evidence": '["https://github.com/pallets/werkzeug/security/advisories/GHSA-hgf8-39gv-g3f2"]',
    "decided": "2026-11-30", "by": '"maintainers"', "version": '"3.0.6+lts{name}.1"', "patch": '"pending"',
}


def decision_table(**changes: str | None) -> str:
    keys = {**_DECISION, **changes}
    return "\n[[advisories]]\n" + "".join(f"{k} = {v}\n" for k, v in keys.items() if v is not None)


def test_decisions_of_every_kind_load(write_channel):
    path = write_channel(extra=decision_table(version='"3.0.6+lts2030.1"', patch='"channels/2030/patches/werkzeug/GHSA-hgf8-39gv-g3f2.patch"')
                         + decision_table(id='"GHSA-x"', decision='"fixed-in-series"', version='"3.0.6"', patch=None)
                         + decision_table(id='"GHSA-y"', decision='"exception"', version='"3.1.4"', patch=None)
                         + decision_table(id='"GHSA-z"', decision='"not-affected"', version=None, patch=None, expires="2027-01-31")
                         + decision_table(id='"GHSA-w"', decision='"accepted"', version=None, patch=None, expires="2027-01-31"),
                         name="2030")
    decisions = load_channel(path).decisions
    assert [(d.decision, d.version, d.patch, d.expires and str(d.expires)) for d in decisions] == [
        ("backport", "3.0.6+lts2030.1", "channels/2030/patches/werkzeug/GHSA-hgf8-39gv-g3f2.patch", None),
        ("fixed-in-series", "3.0.6", None, None),
        ("exception", "3.1.4", None, None),
        ("not-affected", None, None, "2027-01-31"),
        ("accepted", None, None, "2027-01-31"),
    ]
    assert decisions[0].evidence == ("https://github.com/pallets/werkzeug/security/advisories/GHSA-hgf8-39gv-g3f2",)
    assert decisions[0].where.startswith(f"{path}:") and decisions[0].where.endswith("[[advisories]][0]")


@pytest.mark.parametrize(
    "changes, key, needle",
    [
        ({"decision": '"ignored"'}, "decision", "'ignored' is not one of fixed-in-series, backport, exception, not-affected, accepted"),
        ({"package": '"requests"'}, "package", "decision for 'requests', which the channel does not freeze"),
        ({"evidence": "[]"}, "evidence", "must be a non-empty list of strings"),
        ({"version": '"3.0.6"'}, "version", "3.0.6 is not a local build: a backport is built as <release>+lts<serial>"),
        ({"version": '"3.1.4+lts2030.1"'}, "version", "is not inside the series 3.0"),
        ({"patch": None}, None, "missing required key 'patch'"),
        ({"patch": '"/tmp/x.patch"'}, "patch", "is neither \"pending\" nor a patch file channels/2030/patches/werkzeug/<advisory>.patch"),
        ({"decision": '"fixed-in-series"', "version": '"3.1.4"', "patch": None}, "version", "a release of another series is an exception"),
        ({"decision": '"exception"', "version": '"3.0.7"', "patch": None}, "version", 'that is decision = "fixed-in-series"'),
        ({"decision": '"accepted"', "version": None, "patch": None}, None, "missing required key 'expires'"),
        ({"decision": '"accepted"', "version": None, "patch": None, "expires": "2031-01-01"}, "expires",
         "is after the channel's security-until"),
        ({"decision": '"not-affected"', "patch": None, "expires": "2027-01-01"}, "version", "not used by a not-affected decision"),
        ({"expires": "2027-01-01"}, "expires", "not used by a backport decision"),
        ({"colour": '"red"'}, "colour", "unknown key 'colour'"),
    ],
)
def test_a_bad_decision_is_one_line_naming_file_index_and_key(write_channel, changes, key, needle):
    path = write_channel(extra=decision_table(id='"GHSA-ok"', version='"3.0.6+lts2030.1"') + decision_table(**{"version": '"3.0.6+lts2030.1"', **changes}), name="2030")
    with pytest.raises(ChannelError) as info:
        load_channel(path)
    message = str(info.value)
    assert message.startswith(f"{path}:") and "\n" not in message, message
    assert "[[advisories]][1]" + (f" {key}" if key else "") in message, message
    assert needle in message, message


def test_two_decisions_for_one_advisory_are_refused(write_channel):
    path = write_channel(extra=decision_table(version='"3.0.6+lts2030.1"') * 2, name="2030")
    with pytest.raises(ChannelError, match=r"\[\[advisories\]\]\[1\] id: a second decision for GHSA-hgf8-39gv-g3f2 \(werkzeug\), first at"):
        load_channel(path)


def test_accepted_risks_are_still_read_as_accepted_decisions(write_channel):
    path = write_channel(extra='\n[[accepted-risks]]\nid = "CVE-1"\npackage = "flask"\nreason = "r"\ndecided = 2026-01-01\n'
                               'by = "m"\nexpires = 2026-06-01\n')
    (d,) = load_channel(path).decisions
    assert (d.decision, d.evidence, str(d.expires)) == ("accepted", (), "2026-06-01")
