"""A channel whose files pin its own builds names its index on the site, which a machine that
verifies (CI, a maintainer offline, or before the serial's site is deployed) may not reach:
`make verify CHANNEL=…` serves that index from packages/<channel>/ on 127.0.0.1 and installs
from it, and the report still names the channel's own file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ROOT, run_tools

pytestmark = pytest.mark.integration

BUILDS = [
    "click==8.1.8+lts2024.1", "flask==3.0.3+lts2024.1", "flask-cors==4.0.2+lts2024.1", "flask-httpauth==4.8.0+lts2024.1",
    "marshmallow==3.21.3+lts2024.1", "pyjwt==2.8.0+lts2024.2", "werkzeug==3.0.6+lts2024.1",
]


def test_verify_of_a_channel_pinning_a_build_installs_it_from_the_locally_served_index(tmp_path: Path):
    constraints = tmp_path / "constraints"
    constraints.mkdir()
    text = (ROOT / "constraints" / "flask-lts-2024.txt").read_text()
    # every build packages/2024/ publishes, as resolve pins them (the newest revision of each):
    # a plain ==8.1.8 beside the channel's index would take the build too (docs/backports.md)
    # (serial 2024.2 on pins them already: then the file is verified as committed)
    for build in BUILDS:
        name, version = build.split("==")
        text, n = re.subn(rf"^{re.escape(name)}=={re.escape(version.split('+')[0])}$", build, text, flags=re.M)
        assert n == 1 or re.search(rf"^{re.escape(build)}$", text, flags=re.M), build
    if "--extra-index-url" not in text:  # the site's index line, as resolve writes it after the header
        text = "--extra-index-url https://flask-lts.github.io/flask-lts/2024/simple/\n" + text
    (constraints / "flask-lts-2024.txt").write_text(text)
    proc = run_tools(
        "verify", "--channel", "2024", "--constraints-dir", str(constraints), "--python", "3.12",
        "--stages", "install,pip-check", "--reports-dir", str(tmp_path / "reports"), "--work-dir", str(tmp_path / "work"),
        timeout=1200,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "is served from packages/2024 on http://127.0.0.1:" in proc.stderr
    report = json.loads((tmp_path / "reports" / "2024" / "py3.12.json").read_text())
    stages = {s["name"]: s for s in report["stages"]}
    installed = stages["install"]["details"]["installed"]
    assert all(installed[b.split("==")[0]] == b.split("==")[1] for b in BUILDS), installed
    # the source, not the staged copy: outside the working directory a report names it by its file name
    assert report["source"] == "flask-lts-2024.txt" and str(tmp_path) not in json.dumps(report)
