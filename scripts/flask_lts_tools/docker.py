"""Generate the Docker base images' files: one Dockerfile per channel and Python, and the bake file.

`plan(channels, constraints_dir) -> list[ImageSpec]` decides the matrix and the tags;
`render(specs, root) -> {path: text}` is the one place the output format lives;
`run` writes every file atomically (or, with --check, writes nothing and exits 1 when
a committed file differs). See docs/docker.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Mapping, Sequence

from packaging.utils import NormalizedName, canonicalize_name

from ._exceptions import ConstraintsError, DockerfileError
from ._files import atomic_write_many
from .channel import Channel, find_channel_file, load_channels
from .backports._index import with_index
from .constraints import Pin, index_urls, pins_for, read_pins
from .constraints_writer import comment_block, render as render_pins
from . import _layout as layout

IMAGE = "ghcr.io/flask-lts/flask-lts"
SOURCE = "https://github.com/flask-lts/flask-lts"
LICENSE = "BSD-3-Clause"
PLATFORMS = ("linux/amd64", "linux/arm64")
# Where the image keeps the channel (kept in the image, so derived images can read them).
IMAGE_DIR = PurePosixPath("/etc/flask-lts")
CONSTRAINTS_IN_IMAGE = IMAGE_DIR / "constraints.txt"
CORE_LOCK_IN_IMAGE = IMAGE_DIR / "core-hashes.txt"
WHEEL_STAGING = PurePosixPath("/tmp/flask-lts")
USER, UID = "app", 10001
HOME = PurePosixPath("/home") / USER
LABEL_PREFIX = "io.github.flask-lts"
# buildx accepts only these characters in target and group names.
TARGET_NAME = re.compile(r"^[a-zA-Z0-9_-]+$")
GENERATED = ("Dockerfile", "Dockerfile.dockerignore", "core-hashes.txt")



@dataclass(frozen=True)
class ImageSpec:
    """One image of the matrix: a channel on one Python, its core lock and its tags."""

    channel: Channel
    python: str
    pins: Mapping[NormalizedName, Pin]  # every pin of the channel on this Python
    core: tuple[Pin, ...]  # Flask and its dependencies, with hashes
    constraints: PurePosixPath  # the plain per-Python file, relative to the build context
    hashed_source: PurePosixPath  # where the core's hashes came from
    tags: tuple[str, ...]  # without the registry
    installer: bool  # copy dist/'s installer wheel in
    index_url: str | None = None  # the channel's own index, named by its constraints when they pin its backport builds

    @property
    def directory(self) -> PurePosixPath:
        return PurePosixPath(layout.DOCKER.as_posix()) / self.channel.name / f"py{self.python}"

    @property
    def dockerfile(self) -> PurePosixPath:
        return self.directory / "Dockerfile"

    @property
    def core_lock(self) -> PurePosixPath:
        return self.directory / "core-hashes.txt"

    @property
    def wheel(self) -> PurePosixPath:
        return PurePosixPath(layout.DIST.as_posix()) / installer_wheel_name(self.channel)

    @property
    def target(self) -> str:
        return f"{self.channel.name}-py{self.python.replace('.', '')}"

    @property
    def base_image(self) -> str:
        return f"python:{self.python}-slim"

    def version_of(self, package: str) -> str:
        return self.pins[canonicalize_name(package)].version


def installer_wheel_name(channel: Channel) -> str:
    """The wheel `flask-lts-tools dist` builds for a channel, named as the build backend names it."""
    from .dist import dist_filenames, installer_version

    return dist_filenames(installer_version(channel))[1]


def installer_available() -> bool:
    """Whether this toolkit builds the installer package, so that images can carry it."""
    import importlib.util

    return importlib.util.find_spec(f"{__package__}.dist") is not None


def core_closure(channel: Channel, pins: Mapping[NormalizedName, Pin], source: str) -> tuple[Pin, ...]:
    """The channel's core and everything it pulls in on this Python, from pip-compile's `# via` lines."""
    missing = [name for name in channel.core if name not in pins]
    if missing:
        raise DockerfileError(f"{source}: no pin for core package(s) {', '.join(missing)}; run make resolve CHANNEL={channel.name}")
    # pip-compile writes "# via a, b" on one line or one name per line.
    dependents = {
        name: {canonicalize_name(v.strip()) for entry in pin.via for v in entry.split(",") if v.strip()} for name, pin in pins.items()
    }
    closure: set[NormalizedName] = set(channel.core)
    grew = True
    while grew:
        grew = False
        for name in pins:
            if name not in closure and dependents[name] & closure:
                closure.add(name)
                grew = True
    core = tuple(pins[name] for name in sorted(closure))
    unhashed = [p.name for p in core if not p.hashes]
    if unhashed:
        raise DockerfileError(f"{source}: no hashes for {', '.join(unhashed)}; the image installs the core hash-checked")
    return core


def newest_supported(channels: Sequence[Channel]) -> Channel | None:
    """The channel `latest` points at: the newest one whose status is supported."""
    supported = [c for c in channels if c.status == "supported"]
    return max(supported, key=lambda c: (c.release_date, c.name)) if supported else None


def plan(channels: Sequence[Channel], constraints_dir: Path, context: Path, installer: bool | None = None) -> list[ImageSpec]:
    """Every image to build (channels past end-of-life get none), with its tags."""
    installer = installer_available() if installer is None else installer
    live = [c for c in channels if c.status != "end-of-life"]
    latest = newest_supported(live)
    specs = []
    for channel in sorted(live, key=lambda c: c.name):
        for python in channel.pythons:
            plain = layout.per_python_file(channel.name, python, constraints_dir=constraints_dir)
            hashed = layout.per_python_file(channel.name, python, hashes=True, constraints_dir=constraints_dir)
            for path in (plain, hashed):
                if not path.is_file():
                    raise DockerfileError(f"{path}: missing; run make resolve CHANNEL={channel.name}")
            pins = pins_for(read_pins(plain), python)
            hashed_pins = pins_for(read_pins(hashed), python)
            drift = sorted(
                n
                for n in set(pins) | set(hashed_pins)
                if n not in pins or n not in hashed_pins or pins[n].version != hashed_pins[n].version
            )
            if drift:
                raise DockerfileError(f"{plain} and {hashed.name} disagree on {', '.join(drift)}; run make resolve CHANNEL={channel.name}")
            indexes = sorted(set(index_urls(plain.read_text(encoding="utf-8"))) | set(index_urls(hashed.read_text(encoding="utf-8"))))
            if len(indexes) > 1:
                raise DockerfileError(f"{plain} and {hashed.name} name {len(indexes)} indexes ({', '.join(indexes)}); run make resolve CHANNEL={channel.name}")
            tags = [f"{channel.name}-py{python}", f"{channel.version}-py{python}"]
            if python == channel.default_python:
                tags.append(channel.name)
                if channel is latest:
                    tags.append("latest")
            specs.append(
                ImageSpec(
                    channel=channel,
                    python=python,
                    pins=pins,
                    core=core_closure(channel, hashed_pins, str(hashed)),
                    constraints=_relative(plain, context),
                    hashed_source=_relative(hashed, context),
                    tags=tuple(tags),
                    installer=installer,
                    index_url=indexes[0] if indexes else None,
                )
            )
    return specs


def _relative(path: Path, context: Path) -> PurePosixPath:
    try:
        return PurePosixPath(path.resolve().relative_to(context.resolve()).as_posix())
    except ValueError:
        raise DockerfileError(f"{path} is outside the build context {context}; COPY can only read files inside it") from None


# -- the output format ---------------------------------------------------------------------


def _header(title: str, lines: Iterable[str], spec_sources: Sequence[str]) -> str:
    return comment_block(
        [
            "",
            title,
            *lines,
            "",
            "This file is generated; do not edit it. Remake it with:",
            "    make dockerfiles",
            "from " + ", ".join(spec_sources) + ".",
            "",
        ]
    )


def _summary(spec: ImageSpec) -> str:
    channel = spec.channel
    return (
        f"Flask {spec.version_of('flask')} and Werkzeug {spec.version_of('werkzeug')} "
        f"(Flask LTS {channel.name}, {channel.status}; security fixes until {channel.security_until}) "
        f"on Python {spec.python}"
    )


def render_core_lock(spec: ImageSpec) -> str:
    header = _header(
        f"{spec.core_lock}: the core of Flask LTS {spec.channel.name} ({spec.channel.version}) for Python {spec.python}",
        [
            "Flask and its dependencies at the channel's pins, each with its file hashes; the image",
            "installs exactly this with",
            "    pip install --require-hashes -r core-hashes.txt",
        ],
        [f"channels/{spec.channel.name}.toml", str(spec.hashed_source)],
    )
    text = render_pins(header, spec.core, hashes=True, annotate=False)
    # A core pinned to the channel's backport builds needs its index: pip reads the line in a -r file.
    return text if spec.index_url is None else with_index(text, spec.index_url)


def _labels(spec: ImageSpec) -> list[tuple[str, str]]:
    channel = spec.channel
    oci = "org.opencontainers.image"
    return [
        (f"{oci}.title", f"Flask LTS {channel.name} on Python {spec.python}"),
        (f"{oci}.description", _summary(spec)),
        (f"{oci}.version", channel.version),
        (f"{oci}.created", "${BUILD_DATE}"),
        (f"{oci}.revision", "${VCS_REF}"),
        (f"{oci}.source", SOURCE),
        (f"{oci}.url", SOURCE),
        (f"{oci}.documentation", f"{SOURCE}/blob/main/docs/docker.md"),
        (f"{oci}.licenses", LICENSE),
        (f"{oci}.vendor", "flask-lts"),
        (f"{oci}.base.name", f"docker.io/library/{spec.base_image}"),
        (f"{LABEL_PREFIX}.channel", channel.name),
        (f"{LABEL_PREFIX}.channel.status", channel.status),
        (f"{LABEL_PREFIX}.python", spec.python),
        (f"{LABEL_PREFIX}.flask", spec.version_of("flask")),
        (f"{LABEL_PREFIX}.werkzeug", spec.version_of("werkzeug")),
        (f"{LABEL_PREFIX}.bugfix-until", channel.bugfix_until.isoformat()),
        (f"{LABEL_PREFIX}.end-of-support", channel.security_until.isoformat()),
        (f"{LABEL_PREFIX}.constraints", str(CONSTRAINTS_IN_IMAGE)),
    ]


def _continued(first: str, items: Sequence[str], indent: str) -> str:
    """`first item1 \\` + one item per line: Dockerfile line continuation."""
    return f"{first} " + f" \\\n{indent}".join(items)


def render_dockerfile(spec: ImageSpec) -> str:
    channel = spec.channel
    header = _header(
        f"Flask LTS {channel.name} ({channel.version}) on Python {spec.python}: " + ", ".join(f"{IMAGE}:{t}" for t in spec.tags),
        [
            _summary(spec) + ".",
            "",
            "Build it from the repository root (the build context), for example:",
            f"    docker buildx bake {spec.target}",
            f"    docker build -f {spec.dockerfile} -t flask-lts:{channel.name}-py{spec.python} .",
            *([f"It copies the installer wheel from {spec.wheel.parent}/: make docker-context first."] if spec.installer else []),
        ],
        [f"channels/{channel.name}.toml", str(spec.constraints), str(spec.hashed_source)],
    )
    wheel = WHEEL_STAGING / spec.wheel.name
    install = [f"python -m pip install --no-cache-dir --require-hashes -r {CORE_LOCK_IN_IMAGE}"]
    if spec.installer:
        install += [f"python -m pip install --no-cache-dir --no-deps {wheel}", f"rm -rf {WHEEL_STAGING}"]
    install.append("python -m pip check")
    copies = [
        f"COPY {spec.constraints} {CONSTRAINTS_IN_IMAGE}",
        f"COPY {spec.core_lock} {CORE_LOCK_IN_IMAGE}",
        *([f"COPY {spec.wheel} {WHEEL_STAGING}/"] if spec.installer else []),
    ]
    labels = [f'{key}="{value}"' for key, value in _labels(spec)]
    parts = [
        header,
        "",
        f"FROM {spec.base_image}",
        "",
        "# Build-time pip settings, kept for derived images: no cache in the layers, no",
        "# version nag, no warning about running as root while the image is built.",
        _continued("ENV", ["PIP_NO_CACHE_DIR=1", "PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_ROOT_USER_ACTION=ignore"], "    "),
        "",
        "# The channel's pins for this Python stay in the image (PIP_CONSTRAINT points at them);",
        "# the core lock is Flask and its dependencies at those pins, with their hashes.",
        *copies,
        "",
        "# `--require-hashes -r` works on every pip the slim images ship (ensurepip's, 23.0.1 and",
        "# later): each file is checked against the lock, and nothing the lock does not pin gets in.",
        "# Given SOURCE_DATE_EPOCH, pip writes hash-based .pyc files instead of ones stamped with",
        "# the install time: with fixed file times (podman --timestamp, BuildKit rewrite-timestamp)",
        "# two builds give the same layer (docs/docker.md, Reproducibility).",
        "ARG SOURCE_DATE_EPOCH",
        _continued("RUN", [install[0], *(f"&& {step}" for step in install[1:])], "    "),
        "",
        "# Every later install stays in the channel: a derived image's plain `RUN pip install",
        "# flask-login` (uv pip reads UV_CONSTRAINT). The non-root user's installs go to",
        "# PYTHONUSERBASE, whose bin/ is on PATH.",
        _continued(
            "ENV",
            [
                f"PIP_CONSTRAINT={CONSTRAINTS_IN_IMAGE}",
                f"UV_CONSTRAINT={CONSTRAINTS_IN_IMAGE}",
                f"PYTHONUSERBASE={HOME}/.local",
                f"PATH={HOME}/.local/bin:$PATH",
                "PYTHONDONTWRITEBYTECODE=1",
                "PYTHONUNBUFFERED=1",
            ],
            "    ",
        ),
        "",
        _continued(
            "RUN",
            [
                f"groupadd --system --gid {UID} {USER}",
                f"&& useradd --system --uid {UID} --gid {USER} --create-home --home-dir {HOME} --shell /usr/sbin/nologin {USER}",
            ],
            "    ",
        ),
        "",
        "WORKDIR /app",
        "",
        "# Set last: a new build date or revision must not invalidate the cached install layers.",
        'ARG BUILD_DATE=""',
        'ARG VCS_REF=""',
        _continued("LABEL", labels, "      "),
        "",
        "# Numeric, so that Kubernetes' runAsNonRoot can verify it.",
        f"USER {UID}:{UID}",
        'CMD ["python"]',
    ]
    return "\n".join(parts) + "\n"


def render_dockerignore(spec: ImageSpec) -> str:
    """BuildKit reads <Dockerfile>.dockerignore: send the builder only what the COPY lines need."""
    sources = [spec.constraints, spec.core_lock, *([spec.wheel] if spec.installer else [])]
    return "# Generated with the Dockerfile beside it: the build context is only what it copies.\n*\n" + "".join(f"!{s}\n" for s in sources)


def _hcl_list(items: Iterable[str], indent: str = "    ") -> str:
    items = list(items)
    return "[\n" + "".join(f'{indent}  "{i}",\n' for i in items) + f"{indent}]"


def render_bake(specs: Sequence[ImageSpec]) -> str:
    header = _header(
        "docker-bake.hcl: every Flask LTS image, one target per channel and Python.",
        [
            "    docker buildx bake                   # the whole matrix (group default)",
            "    docker buildx bake 2024              # one channel",
            "    docker buildx bake 2024-py312 --load --set '*.platform=linux/amd64'   # one image, into the local engine",
            "    REGISTRY=my.registry/flask-lts docker buildx bake --push",
            "The installer wheels must be in dist/ first (make docker-context); see docs/docker.md.",
        ],
        ["channels/*.toml", "constraints/<channel>/py*.txt"],
    )
    for spec in specs:
        if not TARGET_NAME.match(spec.target):
            raise DockerfileError(f"target name {spec.target!r} is not valid for buildx (only [a-zA-Z0-9_-])")
    channels = sorted({s.channel.name for s in specs})
    blocks = [
        header,
        "",
        f'variable "REGISTRY" {{\n  default = "{IMAGE}"\n}}',
        "",
        "# OCI labels: created (empty: the time of the build) and revision (the workflow passes the commit).",
        'variable "BUILD_DATE" {\n  default = ""\n}',
        "",
        'variable "VCS_REF" {\n  default = ""\n}',
        "",
        f'group "default" {{\n  targets = {_hcl_list((s.target for s in specs), "  ")}\n}}',
    ]
    for name in channels:
        blocks += ["", f'group "{name}" {{\n  targets = {_hcl_list((s.target for s in specs if s.channel.name == name), "  ")}\n}}']
    blocks += [
        "",
        (
            'target "_common" {\n'
            '  context = "."\n'
            "  pull = true\n"
            f"  platforms = {_hcl_list(PLATFORMS, '  ')}\n"
            "  args = {\n"
            '    BUILD_DATE = BUILD_DATE != "" ? BUILD_DATE : timestamp()\n'
            "    VCS_REF = VCS_REF\n"
            "  }\n"
            "}"
        ),
    ]
    for spec in specs:
        blocks += [
            "",
            (
                f'target "{spec.target}" {{\n'
                '  inherits = ["_common"]\n'
                f'  dockerfile = "{spec.dockerfile}"\n'
                f"  tags = {_hcl_list((f'${{REGISTRY}}:{t}' for t in spec.tags), '  ')}\n"
                "}"
            ),
        ]
    return "\n".join(blocks) + "\n"


def render(specs: Sequence[ImageSpec], root: Path) -> dict[Path, str]:
    """Every generated file (paths under `root`, the build context) -> its text."""
    files: dict[Path, str] = {}
    for spec in specs:
        files[root / spec.dockerfile] = render_dockerfile(spec)
        files[root / f"{spec.dockerfile}.dockerignore"] = render_dockerignore(spec)
        files[root / spec.core_lock] = render_core_lock(spec)
    files[root / layout.BAKE_FILE] = render_bake(specs)
    return files


def stale_files(files: Mapping[Path, str], root: Path) -> list[Path]:
    """Generated files of images no longer in the matrix (a Python or a channel dropped)."""
    wanted = set(files)
    found = [p for name in GENERATED for p in (root / layout.DOCKER).glob(f"*/py*/{name}")]
    return sorted(p for p in found if p not in wanted)


def generate(channels: Sequence[Channel], constraints_dir: Path, root: Path, installer: bool | None = None) -> dict[Path, str]:
    return render(plan(channels, constraints_dir, root, installer), root)


@dataclass
class Update:
    """What `make dockerfiles` does: files to write (changed), files to remove (stale), and how many are current."""

    files: dict[Path, str]
    changed: list[Path]
    stale: list[Path]


def update(channels_dir: Path, root: Path, constraints_dir: Path, only: Sequence[str] = ()) -> Update:
    """Plan the Docker files of every channel (or only those named; the bake file always covers all)."""
    channels = load_channels(channels_dir)
    if not channels:
        raise DockerfileError(f"{channels_dir}: no channel files (channels/<name>.toml)")
    for name in only:
        find_channel_file(name, channels_dir)  # an unknown name: the loader's error, naming the known ones
    try:
        files = generate(channels, constraints_dir, root)
    except ConstraintsError as exc:
        raise DockerfileError(str(exc)) from None
    docker_dir = root / layout.DOCKER
    if only:
        keep = {root / layout.BAKE_FILE} | {p for p in files if any(docker_dir / n in p.parents for n in only)}
        files = {p: t for p, t in files.items() if p in keep}
    stale = [p for p in stale_files(files, root) if not only or any(docker_dir / n in p.parents for n in only)]
    changed = [p for p, text in files.items() if not p.exists() or p.read_bytes() != text.encode("utf-8")]
    return Update(files, changed, stale)


def write(planned: Update) -> None:
    """Write the changed files atomically and remove the stale ones (and their emptied folders)."""
    atomic_write_many({p: planned.files[p] for p in planned.changed})
    for path in planned.stale:
        path.unlink()
        if path.parent.exists() and not any(path.parent.iterdir()):
            path.parent.rmdir()
