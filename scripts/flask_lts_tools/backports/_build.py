"""Build a backport: the frozen release's sdist, the series applied, a local version, `build`.

The sdist comes from the package index, checked against the index's sha256 (the upstream
stage's fetcher). Every patch is first tried with `patch --dry-run` and no fuzz, so a patch
that no longer applies stops the build before anything is touched, naming the patch. The
version is set in the project's metadata (`[project] version` in pyproject.toml, or
setup.cfg's `[metadata] version` and the module it names, and the sdist's PKG-INFO), then `python -m build` makes the sdist and the wheel without build
isolation, in an environment holding exactly the pinned build backend, with
SOURCE_DATE_EPOCH set to the frozen sdist's upload time: the same inputs give the same bytes
(a setuptools sdist after `_normalise`, since setuptools ignores SOURCE_DATE_EPOCH there).
"""

from __future__ import annotations

import configparser
import hashlib
import json
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from .. import _layout as layout
from .. import venvs
from .._exceptions import BackportError, FlaskLTSError
from .._files import atomic_write, sha256
from .._toml import tomllib
from ..pythons import Interpreter
from ..verify.stages.upstream.sdist import Sdist, fetch_sdist
from ._normalise import needs_normalising, normalise_sdist
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
_SETUP_CFG_ATTR = re.compile(r"^attr:\s*([A-Za-z_][\w.]*)\.__version__$")


def set_version(tree: Path, release: str, version: str) -> None:
    """The local version into the project's static version, and PKG-INFO.

    The static version is pyproject.toml's `[project] version` or, for setuptools projects of
    the setup.cfg era, setup.cfg's `[metadata] version`: a literal, or `attr: pkg.__version__`,
    whose module then gets the version (so `pkg.__version__` names the build too)."""
    pyproject = tree / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8") if pyproject.is_file() else ""
    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError as exc:
        raise BackportError(f"{pyproject.name} of {release}: not valid TOML ({exc})") from None
    if "version" in project or not (tree / "setup.cfg").is_file():
        matches = [m for m in _PROJECT_VERSION.finditer(text) if m.group(2) == release]
        if len(matches) != 1:
            raise BackportError(
                f"{pyproject.name} of {release}: no single static `version = \"{release}\"` to set the local version in; "
                "backports support a static [project] version, or setup.cfg's [metadata] version"
            )
        m = matches[0]
        pyproject.write_text(text[: m.start()] + f'{m.group(1)}"{version}"' + text[m.end():], encoding="utf-8")
    else:
        _set_setup_cfg_version(tree, release, version)
    pkg_info = tree / "PKG-INFO"
    if pkg_info.is_file():
        info = pkg_info.read_text(encoding="utf-8")
        pkg_info.write_text(re.sub(r"^Version: .*$", f"Version: {version}", info, count=1, flags=re.M), encoding="utf-8")


def _set_setup_cfg_version(tree: Path, release: str, version: str) -> None:
    setup_cfg = tree / "setup.cfg"
    text = setup_cfg.read_text(encoding="utf-8")
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise BackportError(f"setup.cfg of {release}: unreadable ({exc})") from None
    value = parser.get("metadata", "version", fallback="").strip()
    if value == release:
        target, pattern = setup_cfg, re.compile(rf"^(version\s*=\s*){re.escape(release)}\s*$", re.M)
    elif (attr := _SETUP_CFG_ATTR.match(value)) is not None:
        module = attr.group(1).replace(".", "/")
        candidates = [tree / base / name for base in (".", "src") for name in (f"{module}/__init__.py", f"{module}.py")]
        found = [c for c in candidates if c.is_file()]
        if not found:
            raise BackportError(f"setup.cfg of {release}: version = {value}, but no module {attr.group(1)} in the sdist")
        target, pattern = found[0], re.compile(rf"""^(__version__\s*=\s*)(["']){re.escape(release)}\2\s*$""", re.M)
    else:
        raise BackportError(
            f"setup.cfg of {release}: [metadata] version is {value or 'missing'}; backports support a literal "
            "version or `attr: pkg.__version__`"
        )
    target_text = target.read_text(encoding="utf-8")
    matches = list(pattern.finditer(target_text))
    if len(matches) != 1:
        raise BackportError(f"{target.relative_to(tree)} of {release}: no single version {release} to set the local version in")
    m = matches[0]
    quote = m.group(2) if m.re.groups > 1 else ""
    replaced = f"{m.group(1)}{quote}{version}{quote}"
    target.write_text(target_text[: m.start()] + replaced + target_text[m.end():], encoding="utf-8")


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
        if needs_normalising(backports.build_requires):
            for sdist_path in out_dir.glob("*.tar.gz"):
                normalise_sdist(sdist_path, epoch)
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
