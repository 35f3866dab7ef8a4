"""Build a backport: the frozen release's sdist, the series applied, a local version, `build`.

The sdist comes from the package index, checked against the index's sha256 (the upstream
stage's fetcher). Every patch is first tried with `patch --dry-run` and no fuzz, so a patch
that no longer applies stops the build before anything is touched, naming the patch. The
version is set wherever the release writes it (pyproject.toml's static `[project] version`,
setup.cfg's `[metadata] version`, setup.py, a module's `__version__` for flit's dynamic version
or setup.py's reader, and the sdist's PKG-INFO), then `python -m build` makes the sdist and
the wheel (both checked to carry the local version) without build isolation, in an
environment holding exactly the pinned build backend, with SOURCE_DATE_EPOCH set to the
frozen sdist's upload time: the same inputs give the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import shutil
import tarfile
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename
from packaging.version import Version

from .. import _layout as layout
from .. import venvs
from .._exceptions import BackportError, FlaskLTSError
from .._files import atomic_write, sha256
from ..pythons import Interpreter
from ..verify.stages.upstream.sdist import Sdist, fetch_sdist
from ._series import PackageBackports, Patch

BUILD_FRONTEND = "build==1.2.2"  # only orchestrates; the backend (build-requires) makes the bytes
RECORD = "build.json"
Log = Callable[[str], None]


@dataclass
class BuiltFile:
    filename: str
    sha256: str
    size: int


@dataclass
class Build:
    """A staged build: where its files are and everything that made them."""

    channel: str
    package: str
    version: str
    release: str
    folder: Path
    source: dict  # the frozen sdist: filename, sha256
    patches: list[dict]  # name, advisory, sha256, in series order
    build_requires: list[str]
    source_date_epoch: int
    files: list[BuiltFile] = field(default_factory=list)

    def path(self, filename: str) -> Path:
        return self.folder / filename

    @property
    def wheel(self) -> BuiltFile:
        return next(f for f in self.files if f.filename.endswith(".whl"))

    @property
    def sdist(self) -> BuiltFile:
        return next(f for f in self.files if f.filename.endswith(".tar.gz"))

    def inputs_digest(self) -> str:
        """What decides the bytes; a staged build with another digest is stale."""
        inputs = [self.version, self.source, self.patches, self.build_requires, self.source_date_epoch, BUILD_FRONTEND]
        return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()

    def to_json(self) -> dict:
        data = asdict(self)
        data["folder"] = None
        data["inputs"] = self.inputs_digest()
        return data

    @classmethod
    def from_json(cls, data: dict, folder: Path) -> "Build":
        files = [BuiltFile(**f) for f in data["files"]]
        fields = {k: data[k] for k in ("channel", "package", "version", "release", "source", "patches", "build_requires", "source_date_epoch")}
        return cls(**fields, folder=folder, files=files)


def staging_folder(backports: PackageBackports, work: Path = layout.BACKPORTS_WORK) -> Path:
    return work / backports.channel / f"{backports.package}-{backports.version}"


def apply_series(tree: Path, patches: tuple[Patch, ...], release: str) -> None:
    """Apply each patch to the unpacked release, in order; a patch that does not apply cleanly
    (no fuzz) raises BackportError naming it, before that patch changes anything."""
    for patch in patches:
        for dry_run in (True, False):
            args = ["patch", "-p1", "--forward", "--fuzz=0", "--no-backup-if-mismatch", "--batch", "-i", str(patch.path.resolve())]
            out = venvs.run([*args, *(["--dry-run"] if dry_run else [])], timeout=60, cwd=tree)
            if not out.ok:
                failed = [l for l in out.stdout.splitlines() if "FAILED" in l or "can't find" in l or "Reversed" in l or "malformed" in l]
                why = failed[0].strip() if failed else (out.tail(1) or f"patch exited {out.returncode}")
                raise BackportError(
                    f"{patch.path}: no longer applies to {release} ({why}); rebase it on the release's sdist "
                    "(docs/backports.md, 'Making a patch') or drop it from the series"
                )


_PROJECT_VERSION = re.compile(r'^(version\s*=\s*)"([^"]+)"\s*$', re.M)
_SETUP_CFG_VERSION = re.compile(r"^(version\s*=\s*)(\S+)\s*$", re.M)
_SETUP_PY_VERSION = re.compile(r"""(\bversion\s*=\s*)(['"])([^'"]+)\2""")
_MODULE_VERSION = re.compile(r"""^(__version__\s*(?::\s*str\s*)?=\s*)(['"])([^'"]+)\2""", re.M)
_NOT_THE_PACKAGE = {"tests", "test", "docs", "doc", "examples", "example", "benchmarks", "build", "dist"}


def _sections(text: str) -> list[tuple[str, int, int]]:
    """An INI file's sections as (name, start, end) offsets."""
    heads = [(m.group(1).strip(), m.start()) for m in re.finditer(r"^\[([^\]]+)\]\s*$", text, re.M)]
    return [(name, start, heads[i + 1][1] if i + 1 < len(heads) else len(text)) for i, (name, start) in enumerate(heads)]


def _version_sources(tree: Path, release: str) -> list[tuple[Path, int, int]]:
    """Where the release writes its own version literally, as (file, start, end) of the value:
    pyproject.toml's static `[project] version`, setup.cfg's `[metadata] version`, a literal
    `version=` in setup.py, and `__version__ = "X"` in the package's modules (what flit's
    dynamic version, setuptools' `attr:` and setup.py's own readers take it from)."""
    found: list[tuple[Path, int, int]] = []
    pyproject = tree / "pyproject.toml"
    if pyproject.is_file():
        text = pyproject.read_text(encoding="utf-8")
        for name, start, end in _sections(text):
            if name == "project":
                found += [(pyproject, start + m.start(2), start + m.end(2)) for m in _PROJECT_VERSION.finditer(text[start:end]) if m.group(2) == release]
    setup_cfg = tree / "setup.cfg"
    if setup_cfg.is_file():
        text = setup_cfg.read_text(encoding="utf-8")
        for name, start, end in _sections(text):
            if name == "metadata":
                found += [(setup_cfg, start + m.start(2), start + m.end(2)) for m in _SETUP_CFG_VERSION.finditer(text[start:end]) if m.group(2) == release]
    setup_py = tree / "setup.py"
    if setup_py.is_file():
        found += [(setup_py, m.start(3), m.end(3)) for m in _SETUP_PY_VERSION.finditer(setup_py.read_text(encoding="utf-8")) if m.group(3) == release]
    for module in sorted(tree.rglob("*.py")):
        parts = module.relative_to(tree).parts
        if module.name == "setup.py" and len(parts) == 1 or any(p in _NOT_THE_PACKAGE or p.startswith(".") for p in parts[:-1]):
            continue
        text = module.read_text(encoding="utf-8", errors="replace")
        found += [(module, m.start(3), m.end(3)) for m in _MODULE_VERSION.finditer(text) if m.group(3) == release]
    return found


def set_version(tree: Path, release: str, version: str) -> list[Path]:
    """The local version wherever the release writes its version (`_version_sources`), and in
    the sdist's PKG-INFO files; returns the files changed. BackportError when the release
    writes its version nowhere this can set it (a version from version control, say)."""
    sources = _version_sources(tree, release)
    if not sources:
        raise BackportError(
            f"{tree.name}: no literal version {release!r} in pyproject.toml's [project], setup.cfg's [metadata], setup.py "
            "or a module's __version__; backports support projects that write their version in one of these"
        )
    changed: list[Path] = []
    for path in dict.fromkeys(p for p, _, _ in sources):
        text = path.read_text(encoding="utf-8")
        for _, start, end in sorted((s for s in sources if s[0] == path), key=lambda s: -s[1]):
            text = text[:start] + version + text[end:]
        path.write_text(text, encoding="utf-8")
        changed.append(path)
    for pkg_info in [tree / "PKG-INFO", *sorted(tree.glob("*.egg-info/PKG-INFO")), *sorted(tree.glob("src/*.egg-info/PKG-INFO"))]:
        if pkg_info.is_file():
            info = pkg_info.read_text(encoding="utf-8")
            pkg_info.write_text(re.sub(r"^Version: .*$", f"Version: {version}", info, count=1, flags=re.M), encoding="utf-8")
            changed.append(pkg_info)
    return changed


def check_built_version(filenames: list[str], version: str) -> None:
    """Every built file must carry the local version: a backend that took the version from
    somewhere set_version did not reach would otherwise publish a build named as the release."""
    for filename in filenames:
        try:
            built = parse_wheel_filename(filename)[1] if filename.endswith(".whl") else parse_sdist_filename(filename)[1]
        except (InvalidWheelFilename, InvalidSdistFilename):
            raise BackportError(f"{filename}: not a wheel or sdist file name the package index accepts") from None
        if built != Version(version):
            raise BackportError(
                f"{filename}: built as {built}, not the backport's version {version}; the build backend takes its version "
                "from somewhere set_version does not set (docs/backports.md, 'The version')"
            )


def normalize_sdist(path: Path, epoch: int) -> bool:
    """Make an sdist's bytes depend on its contents and the epoch only. flit_core writes them so
    (every time at most SOURCE_DATE_EPOCH, no owner): left as they are. setuptools' sdists carry
    the build's clock (the gzip header, each file's time) and the builder's user: rewritten, as
    strip-nondeterminism does, with entries sorted, times clamped to the epoch, no owner, and
    the gzip header's time the epoch. Returns whether the file was rewritten."""
    data = path.read_bytes()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        members = [(m, archive.extractfile(m).read() if m.isfile() else None) for m in archive.getmembers()]
    header_time = int.from_bytes(data[4:8], "little")
    if header_time <= epoch and all(m.mtime <= epoch and m.uid == 0 and m.gid == 0 and not m.uname and not m.gname for m, _ in members):
        return False
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=epoch, compresslevel=9) as zipped:
        with tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as archive:
            for member, content in sorted(members, key=lambda mc: mc[0].name):
                member.mtime = min(int(member.mtime), epoch)
                member.uid = member.gid = 0
                member.uname = member.gname = ""
                member.pax_headers = {}
                archive.addfile(member, io.BytesIO(content) if content is not None else None)
    path.write_bytes(out.getvalue())
    return True


def _build_environment(interpreter: Interpreter, requirements: list[str], work: Path) -> venvs.Environment:
    """A venv holding exactly the build frontend and the pinned backend, made once per inputs."""
    key = hashlib.sha256(json.dumps([interpreter.full_version, BUILD_FRONTEND, sorted(requirements)]).encode()).hexdigest()[:16]
    path = work / "build-env" / key
    env = venvs.Environment(path, interpreter)
    if (path / ".ready").is_file():
        return env
    env = venvs.create(path, interpreter)
    out = env.pip("install", "--no-deps", BUILD_FRONTEND, "packaging", "pyproject_hooks", *requirements, timeout=600)
    if not out.ok:
        raise BackportError(f"the build tools {', '.join(requirements)} could not be installed:\n{out.tail()}")
    (path / ".ready").write_text("")
    return env


def build(
    backports: PackageBackports, interpreter: Interpreter, work: Path = layout.BACKPORTS_WORK,
    sdist_cache: Path = layout.SDISTS, log: Log = lambda m: None,
) -> Build:  # fmt: skip
    """Build one package's backport into its staging folder; reuse it when the inputs match."""
    try:
        source = fetch_sdist(backports.package, backports.release, sdist_cache.resolve())
    except FlaskLTSError as exc:
        raise BackportError(f"{backports.folder / 'backport.toml'}: the release's sdist cannot be had: {exc}") from None
    epoch = int(source.uploaded.timestamp()) if source.uploaded else 0
    folder = staging_folder(backports, work)
    planned = Build(
        backports.channel, backports.package, backports.version, backports.release, folder,
        {"filename": source.path.name, "sha256": sha256(source.path)},
        [{"name": p.name, "advisory": p.advisory, "sha256": sha256(p.path)} for p in backports.patches],
        list(backports.build_requires), epoch,
    )  # fmt: skip
    staged = read_staged(folder)
    if staged is not None and staged.inputs_digest() == planned.inputs_digest() and all(
        folder.joinpath(f.filename).is_file() and sha256(folder / f.filename) == f.sha256 for f in staged.files
    ):
        log(f"{planned.package} {planned.version}: staged build is current ({folder})")
        return staged
    with tempfile.TemporaryDirectory(prefix="backport-") as tmp:
        tree = Path(tmp) / f"{backports.package}-{backports.release}"
        with Sdist(source.path) as sdist:
            for name in sdist.names:
                target = tree / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(sdist.read_bytes(name))
        apply_series(tree, backports.patches, f"{backports.package} {backports.release}")
        log(f"{len(backports.patches)} patch(es) applied to {source.path.name}")
        set_version(tree, backports.release, backports.version)
        env = _build_environment(interpreter, list(backports.build_requires), work)
        out_dir = Path(tmp) / "dist"
        out = venvs.run(
            [env.python, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(out_dir), str(tree)],
            timeout=600, env={"SOURCE_DATE_EPOCH": str(epoch)},
        )  # fmt: skip
        if not out.ok:
            raise BackportError(f"{backports.folder}: python -m build failed for {backports.version}:\n{out.tail()}")
        check_built_version(sorted(p.name for p in out_dir.iterdir()), backports.version)
        for sdist in out_dir.glob("*.tar.gz"):
            if normalize_sdist(sdist, epoch):
                log(f"{sdist.name}: times clamped to SOURCE_DATE_EPOCH, owner removed (the backend wrote the build's)")
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for path in sorted(out_dir.iterdir()):
            shutil.copyfile(path, folder / path.name)
            planned.files.append(BuiltFile(path.name, sha256(path), path.stat().st_size))
    if not any(f.filename.endswith(".whl") for f in planned.files) or not any(f.filename.endswith(".tar.gz") for f in planned.files):
        raise BackportError(f"{backports.folder}: the build made {[f.filename for f in planned.files]}, not an sdist and a wheel")
    atomic_write(folder / RECORD, json.dumps(planned.to_json(), indent=2, sort_keys=True) + "\n")
    log(f"built {', '.join(f.filename for f in planned.files)}")
    return planned


def read_staged(folder: Path) -> Build | None:
    record = folder / RECORD
    if not record.is_file():
        return None
    try:
        return Build.from_json(json.loads(record.read_text(encoding="utf-8")), folder)
    except (ValueError, KeyError, TypeError):
        return None
