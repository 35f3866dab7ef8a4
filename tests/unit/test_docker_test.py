"""The pure parts of `make docker-test` (flask_lts_tools.docker_test): choosing the cases,
reading the build context from the ignore files, recognising pip's refusal and the probe's
report, and a summary that never shows a step that did not run as passed. The builds
themselves run in `make docker-test` (CI runs it after `make test`)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path, PurePosixPath

import pytest

from flask_lts_tools import docker_test
from flask_lts_tools._cli import main as tools_main
from flask_lts_tools._exceptions import BackportError, DockerTestError, StandInError
from flask_lts_tools.backports._local import point_at, served_index
from flask_lts_tools.channel import load_channel
from flask_lts_tools.docker_test import Outcome
from flask_lts_tools.stand_in import STAND_INS, StandIn

ROOT = Path(__file__).resolve().parents[2]

REFUSAL = """\
STEP 2/2: RUN pip install "werkzeug<3.0"
Defaulting to user installation because normal site-packages is not writeable
ERROR: Cannot install werkzeug<3.0 because these package versions have conflicting dependencies.

The conflict is caused by:
    The user requested werkzeug<3.0
    The user requested (constraint) werkzeug==3.0.6

ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/
Error: building at STEP "RUN pip install "werkzeug<3.0"": exit status 1
"""


def test_default_cases_cover_every_stand_in_base_once_per_channel():
    cases = docker_test.select(ROOT, [], [], all_pythons=False)
    assert [(c.name, p) for c, p in cases] == [("2024", "3.11"), ("2026", "3.13")]


def test_all_pythons_takes_every_stand_in_python_a_channel_claims():
    cases = docker_test.select(ROOT, ["2026"], [], all_pythons=True)
    assert [(c.name, p) for c, p in cases] == [("2026", "3.11"), ("2026", "3.13")]


def test_a_python_without_a_stand_in_base_is_a_one_line_error():
    with pytest.raises(DockerTestError, match=r"Python 3\.12: no stand-in base here; Debian provides 3\.11, 3\.13"):
        docker_test.select(ROOT, ["2024"], ["3.12"], all_pythons=False)
    with pytest.raises(StandInError, match="3.9"):
        StandIn("3.9")
    assert set(STAND_INS) == {"3.11", "3.13"}


def test_the_build_context_is_exactly_what_the_ignore_file_admits(tmp_path):
    dockerfile = PurePosixPath("docker/2024/py3.11/Dockerfile")
    root = tmp_path / "repo"
    for rel in ("docker/2024/py3.11/Dockerfile", "docker/2024/py3.11/Dockerfile.dockerignore", "docker/2024/py3.11/core-hashes.txt", "constraints/2024/py3.11.txt"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, root / rel)
    wheel = f"flask_lts-{load_channel(ROOT / 'channels' / '2024.toml').version}-py3-none-any.whl"
    with pytest.raises(DockerTestError, match=re.escape(wheel) + r": missing.*make docker-context"):
        docker_test.build_context(root, dockerfile, tmp_path / "ctx1")
    (root / "dist").mkdir()
    (root / "dist" / wheel).write_bytes(b"wheel")
    (root / "dist/other.whl").write_bytes(b"not copied")
    context = docker_test.build_context(root, dockerfile, tmp_path / "ctx2")
    copied = sorted(p.relative_to(context).as_posix() for p in context.rglob("*") if p.is_file())
    assert copied == ["constraints/2024/py3.11.txt", f"dist/{wheel}", "docker/2024/py3.11/core-hashes.txt"]


def test_an_ignore_file_that_is_not_an_allow_list_is_refused():
    with pytest.raises(DockerTestError, match="expected `\\*` then `!path` lines"):
        docker_test.admitted_paths("dist/\n!dist/x.whl\n", "x.dockerignore")


def test_pips_constraint_refusal_is_recognised_and_other_failures_are_not():
    message = docker_test.refusal_message(REFUSAL)
    assert message == (
        "Cannot install werkzeug<3.0 because these package versions have conflicting dependencies."
        " / The user requested werkzeug<3.0 / The user requested (constraint) werkzeug==3.0.6"
    )
    network = "ERROR: Could not find a version that satisfies the requirement werkzeug<3.0\nERROR: No matching distribution found\n"
    assert docker_test.refusal_message(network) is None
    assert docker_test.other_series("3.0") == "werkzeug<3.0"


def test_the_probe_report_is_read_from_the_build_output():
    report = {"failures": [], "versions": {"flask": "3.0.3"}}
    output = f"STEP 4/4: RUN python probe.py\n{docker_test.PROBE_MARKER}{json.dumps(report)}\n--> abc\n"
    assert docker_test.probe_result(output) == report
    assert docker_test.probe_result("STEP 3/4: RUN pip install flask-login\nERROR: boom\n") is None


def test_a_summary_shows_steps_that_did_not_run_as_not_run_never_as_passed():
    text = docker_test.summary([Outcome("2024", "3.11", base="Debian bookworm python3")])
    assert "passed" not in text and "clean" not in text
    assert "not run" in text and "refused" not in text
    checked = Outcome("2024", "3.11", refusal_checked=True)
    assert "NOT refused" in docker_test.summary([checked])


def test_the_probe_checks_the_pins_in_a_constraints_file(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("docker_probe", docker_test.RESOURCES / "docker_probe.py")
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)
    constraints = tmp_path / "c.txt"
    constraints.write_text('# header\nFlask==3.0.3\n    # via x\nzipp==3.20.2 ; python_version < "3.0"\n', encoding="utf-8")
    pins = probe.read_pins(str(constraints))
    assert pins == {"flask": "3.0.3"}
    failures: list[str] = []
    probe.check_versions(["flask-login"], pins, {"flask": ("3.1.0", "/x")}, failures)
    assert failures == ["flask-login: requested but not installed", "flask 3.1.0 installed, the channel pins 3.0.3"]


def test_missing_podman_where_it_cannot_be_installed_is_a_one_line_error(monkeypatch, capsys):
    from flask_lts_tools import stand_in

    monkeypatch.setattr(stand_in.shutil, "which", lambda cmd: None)
    monkeypatch.setattr(stand_in.os, "geteuid", lambda: 1000)
    assert tools_main(["docker-test", "--channel", "2024", "--root", str(ROOT)]) == StandInError.exit_code
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        "error: podman, mmdebstrap not found; install them (Debian: apt-get install podman mmdebstrap) and re-run"
    )


def test_a_derived_build_that_failed_after_the_probe_is_not_shown_as_passed():
    outcome = Outcome("2024", "3.11", probe={"failures": [], "versions": {"flask": "3.0.3", "werkzeug": "3.0.6"}, "in_user_site": []})
    outcome.failures.append("derived image: the probe passed but the build exited 125")
    row = [line for line in docker_test.summary([outcome]).splitlines() if line.startswith("| 2024")][0]
    assert row.rstrip(" |").endswith("FAILED")


def test_the_channel_index_is_served_and_the_copied_context_names_it(tmp_path: Path):
    """With constraints pinning the channel's build, the builds reach the channel's index as the
    site serves it (from packages/2024), and only the index line of the copied context changes."""
    import urllib.request

    from conftest import ROOT

    context = tmp_path / "context"
    (context / "docker" / "2024" / "py3.11").mkdir(parents=True)
    site_line = "--extra-index-url https://flask-lts.github.io/flask-lts/2024/simple/\n"
    lock = context / "docker" / "2024" / "py3.11" / "core-hashes.txt"
    lock.write_text("# the lock\n" + site_line + "werkzeug==3.0.6+lts2024.1 \\\n    --hash=sha256:00\n")
    plain = context / "constraints" / "2024" / "py3.11.txt"
    plain.parent.mkdir(parents=True)
    plain.write_text("flask==3.0.3\n")
    with served_index("2024", ROOT / "packages", tmp_path / "site") as base:
        assert base.startswith("http://127.0.0.1:")
        page = urllib.request.urlopen(f"{base}2024/simple/werkzeug/", timeout=5).read().decode()
        assert "werkzeug-3.0.6+lts2024.1-py3-none-any.whl" in page
        wheel = urllib.request.urlopen(f"{base}2024/packages/werkzeug-3.0.6%2Blts2024.1-py3-none-any.whl", timeout=5).read()
        assert len(wheel) == (ROOT / "packages" / "2024" / "werkzeug-3.0.6+lts2024.1-py3-none-any.whl").stat().st_size
        assert point_at(context, "2024", base) == ["https://flask-lts.github.io/flask-lts/2024/simple/"]
    assert lock.read_text() == "# the lock\n" + f"--extra-index-url {base}2024/simple/\n" + "werkzeug==3.0.6+lts2024.1 \\\n    --hash=sha256:00\n"
    assert plain.read_text() == "flask==3.0.3\n"


def test_a_channel_without_published_builds_cannot_serve_an_index(tmp_path: Path):
    with pytest.raises(BackportError, match=r"no published builds, but the channel's constraints name its index"):
        with served_index("2026", tmp_path / "packages", tmp_path / "site"):
            pass
