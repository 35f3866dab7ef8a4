"""`flask-lts use` / `use --undo` file editing: what pip will read, the user's own
settings kept, and undo giving back the file byte for byte."""

from __future__ import annotations

import configparser
import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "installer" / "src"))
from flask_lts import _pipconf  # noqa: E402
from flask_lts._exceptions import PipConfigError  # noqa: E402

OURS = "/venv/lib/python3.12/site-packages/flask_lts/data/flask-lts-2024.txt"
LABEL = "Flask LTS 2024, flask-lts 2024.0"


def pip_reads(text: str) -> dict[str, list[str]]:
    """section.constraint -> the list pip makes of it (configparser, then split on whitespace)."""
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    return {f"{s}.constraint": parser.get(s, "constraint").split() for s in parser.sections() if parser.has_option(s, "constraint")}


ORIGINALS = {
    "empty": "",
    "global only": "[global]\ntimeout = 60\n",
    "no final newline": "[global]\ntimeout = 60",
    "install without constraint": "# mine\n[install]\nno-binary = lxml\n\n[global]\ntimeout = 60\n",
    "install with constraint": "[install]\nconstraint = /mine/a.txt\n  /mine/b.txt\n\nno-binary = lxml\n[global]\nx = 1\n",
    "install constraint at end, no newline": "[install]\nconstraint = /mine/a.txt",
    "windows line ends": "[global]\r\ntimeout = 60\r\n[install]\r\nconstraint = C:\\c.txt\r\n",
}


@pytest.mark.parametrize("name", ORIGINALS)
def test_add_then_remove_gives_back_the_file_byte_for_byte(name):
    original = ORIGINALS[name]
    added = _pipconf.add(original, ["/kept.txt", OURS], LABEL)
    assert pip_reads(added)["install.constraint"] == ["/kept.txt", OURS]
    restored, found, flags = _pipconf.remove(added)
    assert found and "new file" not in flags
    assert restored == original


def test_a_new_file_is_marked_so_undo_deletes_it(tmp_path):
    target = tmp_path / "pip.conf"
    plan = _pipconf.plan_use(target, Path(OURS), LABEL, [("site", target)], {})
    assert plan.old_text is None and plan.values == [OURS]
    target.write_text(plan.new_text)
    assert pip_reads(target.read_text()) == {"install.constraint": [OURS]}
    # Re-running changes nothing; undo deletes the file it created.
    again = _pipconf.plan_use(target, Path(OURS), LABEL, [("site", target)], {})
    assert not again.changes
    undo = _pipconf.plan_undo(target)
    assert undo.found and undo.new_text is None


def test_users_keys_appended_after_the_block_keep_their_section():
    added = _pipconf.add("[global]\ntimeout = 60\n", [OURS], LABEL)
    edited = added + "no-binary = lxml\n"
    restored, _, _ = _pipconf.remove(edited)
    assert restored == "[global]\ntimeout = 60\n[install]\nno-binary = lxml\n"


def test_an_existing_install_constraint_is_kept_and_restored():
    original = "[install]\nconstraint = /mine/a.txt\n  /mine/b.txt\n"
    added = _pipconf.add(original, ["/mine/a.txt", "/mine/b.txt", OURS], LABEL)
    assert pip_reads(added) == {"install.constraint": ["/mine/a.txt", "/mine/b.txt", OURS]}
    assert "#flask-lts-saved# constraint = /mine/a.txt" in added
    assert _pipconf.remove(added)[0] == original


def test_a_broken_block_is_reported_not_guessed():
    added = _pipconf.add("", [OURS], LABEL)
    broken = added.replace(_pipconf.END, "")
    with pytest.raises(PipConfigError, match="end line"):
        _pipconf.remove(broken)


def test_a_path_with_spaces_becomes_a_file_url():
    assert _pipconf.as_config_value(Path("/a b/c.txt")) == "file:///a%20b/c.txt"
    assert _pipconf.as_config_value(Path("/ab/c.txt")) == "/ab/c.txt"


def files(tmp_path: Path, **texts: str) -> list[tuple[str, Path]]:
    """A fake set of pip configuration files, in pip's order (global, user, site, env)."""
    out = []
    for variant in _pipconf.VARIANTS:
        path = tmp_path / f"{variant}.conf"
        if variant in texts:
            path.write_text(texts[variant])
        out.append((variant, path))
    return out


def test_constraints_pip_uses_today_are_kept(tmp_path):
    listed = files(tmp_path, **{"global": "[global]\nconstraint = /etc/cap.txt\n", "user": "[global]\ntimeout = 5\n"})
    plan = _pipconf.plan_use(tmp_path / "site.conf", Path(OURS), LABEL, listed, {})
    assert plan.values == ["/etc/cap.txt", OURS]
    assert plan.kept is not None and plan.kept.path == tmp_path / "global.conf" and plan.kept.section == "global"
    assert plan.warnings == []


def test_precedence_follows_pip_install_section_and_later_levels_win(tmp_path):
    listed = files(
        tmp_path,
        **{
            "global": "[install]\nconstraint = /g-install.txt\n",
            "user": "[global]\nconstraint = /u-global.txt\n",
            "env": "[global]\nconstraint = /e-global.txt\n",
        },
    )
    effective, install = _pipconf.effective_setting(listed, {})
    # [install] beats [global] whatever the level; among one key, the later level wins.
    assert effective.values == ["/g-install.txt"] and install is effective
    other = tmp_path / "other"
    other.mkdir()
    listed = files(other, **{"global": "[global]\nconstraint = /g.txt\n", "env": "[global]\nconstraint = /e.txt\n"})
    assert _pipconf.effective_setting(listed, {})[0].values == ["/e.txt"]


def test_warns_when_something_will_still_override_the_channel(tmp_path):
    listed = files(tmp_path, env="[install]\nconstraint = /team.txt\n")
    plan = _pipconf.plan_use(tmp_path / "site.conf", Path(OURS), LABEL, listed, {"PIP_CONSTRAINT": "/x.txt"})
    assert any("PIP_CONSTRAINT" in w for w in plan.warnings)
    assert any("env.conf [install] constraint takes precedence" in w for w in plan.warnings)
    plan = _pipconf.plan_use(tmp_path / "elsewhere.conf", Path(OURS), LABEL, listed, {})
    assert any("pip does not read" in w for w in plan.warnings)


def test_unreadable_configuration_is_an_error_naming_the_file(tmp_path):
    listed = files(tmp_path, **{"global": "constraint = /no/section.txt\n"})
    with pytest.raises(PipConfigError, match="global.conf"):
        _pipconf.plan_use(tmp_path / "site.conf", Path(OURS), LABEL, listed, {})
