"""Build the channels' real Dockerfiles with podman on a stand-in base and exercise the images.

For each (channel, Python): a stand-in for `python:<X.Y>-slim` made from Debian's own
packages (mmdebstrap + `podman import`, see `stand_in`), the channel's Dockerfile built on
it unmodified (twice, to compare layer digests), a derived image whose RUN steps check the
installed set as the image's user (resources/docker_probe.py), and a derived image asking
for a Werkzeug of another series, which must fail. `podman run` is not needed: every check
runs in a RUN step. When the channel's constraints name its own package index (backport
builds, docs/backports.md), that index is built from `packages/<channel>/` as the site
serves it, served on 127.0.0.1 for the builds, and the copied build context names it
instead of the site. See docs/docker.md ("Built and exercised here").

    python -m flask_lts_tools.docker_test [--channel 2024] [--python 3.13] [--all-pythons]
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Sequence

from packaging.utils import canonicalize_name

from ._exceptions import DockerTestError, FlaskLTSError
from ._output import Progress, markdown_table
from ._resources import RESOURCES
from ._podman import Podman, tail
from .channel import Channel, find_channel_file, load_channel
from .backports._local import point_at, served_index
from .constraints import index_urls, pins_for, read_pins
from .stand_in import STAND_INS, StandIn, ensure_tools

PROBE_FILES = ("docker_probe.py", "import_probe.py")
PROBE_MARKER = "FLASK_LTS_PROBE "
TEST_IMAGE = "localhost/flask-lts-test"



@dataclass
class Outcome:
    """What one (channel, Python) case showed; None means the step did not run."""

    channel: str
    python: str
    base: str = ""
    build_seconds: float | None = None
    rebuild_seconds: float | None = None
    layers_same: int | None = None
    layers_total: int | None = None
    layers_differing: list[str] = field(default_factory=list)
    install_layer: str = ""  # digest of the layer the core install made
    size: int | None = None
    base_size: int | None = None
    content: dict[str, object] = field(default_factory=dict)
    derived_seconds: float | None = None
    derived_size: int | None = None
    probe: dict[str, object] | None = None
    refused: str | None = None
    refusal_checked: bool = False
    index: str = ""  # the channel's own index, as served for the build (empty: its constraints name none)
    failures: list[str] = field(default_factory=list)



def build_context(root: Path, dockerfile: PurePosixPath, dest: Path) -> Path:
    """Copy exactly what `<Dockerfile>.dockerignore` admits into `dest` (BuildKit's view of the
    context; podman 4 does not read per-Dockerfile ignore files)."""
    ignore = root / f"{dockerfile}.dockerignore"
    admitted = admitted_paths(ignore.read_text(encoding="utf-8"), str(ignore))
    for rel in admitted:
        source = root / rel
        if not source.is_file():
            hint = "; run make docker-context" if rel.parts[0] == "dist" else ""
            raise DockerTestError(f"{source}: missing, and {dockerfile} copies it{hint}")
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return dest


def admitted_paths(text: str, source: str) -> list[PurePosixPath]:
    """The `!path` lines of an ignore file that starts by excluding everything (`*`)."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines or lines[0] != "*" or not all(line.startswith("!") for line in lines[1:]):
        raise DockerTestError(f"{source}: expected `*` then `!path` lines only; regenerate it with make dockerfiles")
    return [PurePosixPath(line[1:]) for line in lines[1:]]


def refusal_message(output: str) -> str | None:
    """pip's lines saying the install conflicts with the constraints file, or None when
    pip did not refuse for that reason (any other failure is not the refusal we test)."""
    keep = [line.strip() for line in output.splitlines() if "The user requested" in line or "conflicting dependencies" in line]
    if not any("The user requested (constraint)" in line for line in keep):
        return None
    return " / ".join(dict.fromkeys(line.removeprefix("ERROR: ") for line in keep))


def probe_result(output: str) -> dict[str, object] | None:
    for line in output.splitlines():
        if line.startswith(PROBE_MARKER):
            return json.loads(line[len(PROBE_MARKER):])
    return None


def other_series(series: str) -> str:
    """A requirement outside a series: `3.0` -> `werkzeug<3.0` (every older series)."""
    return f"werkzeug<{series}"


def extensions_for(channel: Channel, python: str, root: Path) -> list[str]:
    """The top-level extension packages the channel pins on this Python (the core left out)."""
    pins = pins_for(read_pins(root / "constraints" / channel.name / f"py{python}.txt"), python)
    return [name for name in channel.top_packages() if name not in channel.core and canonicalize_name(name) in pins]


def exercise(outcome: Outcome, channel: Channel, stand_in: StandIn, podman: Podman, root: Path, log: Callable[[str], None]) -> None:
    """Build the channel's image twice, then the derived test image and the refused one,
    filling in `outcome` step by step (what an error interrupts stays `not run`)."""
    from .dist import source_date_epoch

    python = outcome.python
    dockerfile = PurePosixPath("docker") / channel.name / f"py{python}" / "Dockerfile"
    tag = f"{TEST_IMAGE}:{channel.name}-py{python}"
    epoch = source_date_epoch(channel)
    with tempfile.TemporaryDirectory(prefix="flask-lts-docker-test-") as tmp, contextlib.ExitStack() as stack:
        context = build_context(root, dockerfile, Path(tmp) / "context")
        if any(index_urls(p.read_text(encoding="utf-8")) for p in context.rglob("*.txt")):
            base = stack.enter_context(served_index(channel.name, root / "packages", Path(tmp) / "site"))
            replaced = point_at(context, channel.name, base)
            outcome.index = f"{', '.join(replaced)} served from packages/{channel.name} on {base}"
            log(f"the channel's own index: {outcome.index}")
        podman.remove(tag)  # the previous run's image, which the new tag would leave untagged
        digests = []
        for attempt, name in ((1, tag), (2, f"{tag}-rebuild")):
            log(f"building {dockerfile} on {stand_in.image} ({'first' if attempt == 1 else 'second, to compare layers'})")
            seconds = podman.build(context, root / dockerfile, name, base=stand_in.image, epoch=epoch)
            digests.append(podman.layers(name))
            if attempt == 1:
                outcome.build_seconds = seconds
            else:
                outcome.rebuild_seconds = seconds
            log(f"built {name} in {seconds:.1f}s")
        first, second = digests
        outcome.layers_total = len(first)
        outcome.layers_same = sum(1 for a, b in zip(first, second) if a[0] == b[0])
        outcome.layers_differing = [a[1][:70] for a, b in zip(first, second) if a[0] != b[0]]
        outcome.install_layer = next((d for d, step in first if "--require-hashes" in step), "")
        podman.remove(f"{tag}-rebuild")
        outcome.size, outcome.base_size = podman.size(tag), podman.size(stand_in.image)
        outcome.content = podman.inspect_content(tag, python)
        log(f"image {outcome.size / 1e6:.1f} MB ({(outcome.size - outcome.base_size) / 1e6:.1f} MB over the base); layers identical on rebuild: {outcome.layers_same}/{outcome.layers_total}")

        extensions = extensions_for(channel, python, root)
        derived = Path(tmp) / "derived"
        derived.mkdir()
        for name in PROBE_FILES:
            shutil.copy2(RESOURCES / name, derived / name)
        (derived / "Containerfile").write_text(
            f"FROM {tag}\n"
            f"COPY {' '.join(PROBE_FILES)} /opt/flask-lts-probe/\n"
            f"RUN pip install {' '.join(extensions)}\n"
            f"RUN python /opt/flask-lts-probe/docker_probe.py {' '.join(extensions)}\n",
            encoding="utf-8",
        )
        log(f"derived image: pip install of the {len(extensions)} packages the extras name, with no version, then the probe")
        started = time.monotonic()
        proc = podman.build_raw(derived, derived / "Containerfile", f"{tag}-derived")
        outcome.derived_seconds = time.monotonic() - started
        outcome.probe = probe_result(proc.stdout)
        if outcome.probe is None:
            outcome.failures.append(f"derived image: build failed before the probe reported (exit {proc.returncode}):\n{tail(proc.stdout)}")
        else:
            outcome.failures.extend(f"derived image: {f}" for f in outcome.probe["failures"])  # type: ignore[union-attr]
            if proc.returncode != 0 and not outcome.probe["failures"]:
                outcome.failures.append(f"derived image: the probe passed but the build exited {proc.returncode}:\n{tail(proc.stdout)}")
        derived_ok = proc.returncode == 0 and not outcome.failures
        log(f"derived image {'passed' if derived_ok else 'FAILED'} in {outcome.derived_seconds:.1f}s")
        if proc.returncode == 0:
            outcome.derived_size = podman.size(f"{tag}-derived")
            podman.remove(f"{tag}-derived")

        asked = other_series(channel.series[canonicalize_name("werkzeug")])
        refused = Path(tmp) / "refused"
        refused.mkdir()
        (refused / "Containerfile").write_text(f'FROM {tag}\nRUN pip install "{asked}"\n', encoding="utf-8")
        log(f"negative check: pip install \"{asked}\" must fail the build")
        proc = podman.build_raw(refused, refused / "Containerfile", f"{tag}-refused")
        message = refusal_message(proc.stdout)
        outcome.refusal_checked = True
        if proc.returncode == 0:
            podman.remove(f"{tag}-refused")
            outcome.failures.append(f'pip install "{asked}" was accepted: the image does not hold Werkzeug to the channel')
        elif message is None:
            outcome.failures.append(f'pip install "{asked}" failed without pip\'s constraint message:\n{tail(proc.stdout)}')
        else:
            outcome.refused = f'"{asked}": {message}'
            log(f"refused as expected: {message}")


def _mb(size: int | None) -> str:
    return "not measured" if size is None else f"{size / 1e6:.1f} MB"


def _s(seconds: float | None) -> str:
    return "not run" if seconds is None else f"{seconds:.1f}s"


def summary(outcomes: Sequence[Outcome]) -> str:
    images = markdown_table(
        ["channel", "Python", "stand-in base", "build", "rebuild", "layers identical", "image", "over base (.pyc)", "pip cache / compilers", "derived build", "derived image", "derived check"],
        [
            [
                o.channel,
                o.python,
                o.base,
                _s(o.build_seconds),
                _s(o.rebuild_seconds),
                "not run" if o.layers_total is None else f"{o.layers_same}/{o.layers_total}",
                _mb(o.size),
                "not measured" if o.size is None or o.base_size is None else f"{_mb(o.size - o.base_size)} ({_mb(o.content.get('pyc bytes'))})",  # type: ignore[arg-type]
                ", ".join(f"{k}: {v}" for k, v in o.content.items() if k in ("pip cache", "compilers")) or "not measured",
                _s(o.derived_seconds),
                "not measured" if o.derived_size is None or o.size is None else f"+{_mb(o.derived_size - o.size)}",
                "not run" if o.probe is None else ("FAILED" if any(f.startswith("derived image") for f in o.failures) else "passed"),
            ]
            for o in outcomes
        ],
    )
    derived = markdown_table(
        ["channel", "Python", "derived image: plain pip install", "flask-lts check", "imports", "app (test client)", "pip install werkzeug of another series"],
        [
            [
                o.channel,
                o.python,
                _installed_cell(o.probe),
                _check_cell(o.probe),
                "not run" if o.probe is None or not o.probe.get("imports") else f"{o.probe['imports']['modules']} modules",  # type: ignore[index]
                "not run" if o.probe is None or not o.probe.get("app") else f"GET {o.probe['app']['get']}, wrong password {o.probe['app']['wrong_password']}, POST w/o CSRF token {o.probe['app']['post_without_csrf_token']}",  # type: ignore[index]
                "refused" if o.refused else ("NOT refused" if o.refusal_checked else "not run"),
            ]
            for o in outcomes
        ],
    )
    differing = [f"{o.channel} py{o.python}: layers differing on rebuild: {'; '.join(o.layers_differing)}" for o in outcomes if o.layers_differing]
    versions = [
        f"{o.channel} py{o.python} derived image, Python {o.probe.get('python', '?')}: " + " ".join(f"{n}=={v}" for n, v in o.probe["versions"].items())  # type: ignore[union-attr,index]
        for o in outcomes
        if o.probe
    ]
    digests = [f"{o.channel} py{o.python} install layer {o.install_layer}" for o in outcomes if o.install_layer]
    refusals = [f"{o.channel} py{o.python} refused {o.refused}" for o in outcomes if o.refused]
    refusals += [f"{o.channel} py{o.python} channel index: {o.index}" for o in outcomes if o.index]
    return "\n\n".join([images, derived, "\n".join([*versions, *refusals, *digests, *differing])])


def _installed_cell(probe: dict[str, object] | None) -> str:
    if probe is None:
        return "not run"
    versions: dict[str, str] = probe["versions"]  # type: ignore[assignment]
    core = ", ".join(f"{n} {versions[n]}" for n in ("flask", "werkzeug") if n in versions)
    return f"{len(versions) - 2} extras' packages; {core}; {len(probe['in_user_site'])} packages in the user site"  # type: ignore[arg-type]


def _check_cell(probe: dict[str, object] | None) -> str:
    check = probe.get("check") if probe else None
    if not isinstance(check, dict):
        return "not run"
    state = "clean" if check["exit_code"] == 0 and not check["drift"] and not check["outside_channel"] else "NOT clean"
    return f"{state} ({check['matching']} at their pins)"


def select(root: Path, channels: Sequence[str], pythons: Sequence[str], all_pythons: bool) -> list[tuple[Channel, str]]:
    """The cases: each live channel on the stand-in Pythons it claims. By default one per
    channel, each taking a Python no earlier channel took, so that every base is exercised."""
    for python in pythons:
        if python not in STAND_INS:
            raise DockerTestError(f"Python {python}: no stand-in base here; Debian provides {', '.join(STAND_INS)}")
    names = channels or sorted(p.stem for p in (root / "channels").glob("*.toml"))
    cases: list[tuple[Channel, str]] = []
    for name in names:
        channel = load_channel(find_channel_file(name, root / "channels"))
        if channel.status == "end-of-life":
            continue
        available = [p for p in (pythons or STAND_INS) if p in channel.pythons]
        if pythons or all_pythons:
            cases.extend((channel, python) for python in available)
        elif available:
            taken = {python for _c, python in cases}
            cases.append((channel, next((p for p in available if p not in taken), available[-1])))
    if not cases:
        raise DockerTestError(f"no live channel claims {', '.join(pythons or STAND_INS)} (the Pythons with a stand-in base)")
    return cases


def docker_test(root: Path, cases: Sequence[tuple[Channel, str]], fresh_base: bool, progress: Progress) -> list[Outcome]:
    ensure_tools(progress)
    podman = Podman()
    needed = sorted({python for _c, python in cases})
    stand_ins = {python: StandIn(python) for python in needed}
    # The bases are downloads and unpacking; two at a time is what this kind of machine takes.
    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(s.ensure, podman, fresh_base, lambda m, s=s: progress(m, f"base py{s.python}")) for s in stand_ins.values()]:
            future.result()
    outcomes = []
    for channel, python in cases:
        scope = f"{channel.name} py{python}"
        outcome = Outcome(channel.name, python, base=stand_ins[python].description)
        outcomes.append(outcome)
        try:
            exercise(outcome, channel, stand_ins[python], podman, root, lambda m, scope=scope: progress(m, scope))
        except FlaskLTSError as exc:  # the next case still runs; this one's remaining steps show as not run
            outcome.failures.append(str(exc))
            progress(f"FAILED: {str(exc).splitlines()[0]}", scope)
    return outcomes
