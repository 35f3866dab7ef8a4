"""The public API difference between two releases of a package: what an importer of the old
release loses in the new one (removed names, changed signatures), from griffe's breaking-change
check.

`api_difference(package, old, new, cache) -> ApiDifference` fetches each release's pure-Python
wheel (else its sdist) from the package index, sha256-checked, unpacks it once under
`cache/<name>-<version>/`, and loads its top-level import packages with griffe by static
analysis only: nothing of a release is imported or run, so compiled modules and names made at
run time (a module `__getattr__`, `setattr` loops) are not seen. A failure to fetch or load a
release is the difference's `error`, never an exception.
"""

from __future__ import annotations

import ast
import functools
import logging
import os
import shutil
import tarfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from . import _layout as layout
from . import index
from ._exceptions import ApiDiffError, FlaskLTSError
from ._output import markdown_table

if TYPE_CHECKING:
    import griffe

REMOVED = "removed "
FLAG = "API REMOVED in a patch release"
# Top-level names that ship in distributions by accident or for the build, never as API.
NOT_API_TOP_LEVEL = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "example", "benchmarks", "setup", "conftest", "noxfile", "tasks"}
)
# Submodules of a package that are its own tests or documentation, not its API
# (werkzeug.test and flask.testing are API: only these exact names are left out).
NOT_API_SUBMODULES = frozenset({"tests", "docs"})


@dataclass(frozen=True)
class ApiDifference:
    """What changed in the public API from `old` to `new`; `error` when it could not be told."""

    package: str
    old: str
    new: str
    breakages: tuple[str, ...] = ()  # "removed werkzeug.urls.url_quote", "changed signature of ..."
    error: str | None = None

    @property
    def removed(self) -> tuple[str, ...]:
        """The public names (dotted paths) the new release no longer has: removed or renamed."""
        return tuple(b[len(REMOVED):] for b in self.breakages if b.startswith(REMOVED))

    @property
    def removes_public_names(self) -> bool:
        return bool(self.removed)

    @property
    def patch_bump(self) -> bool:
        return is_patch_bump(self.old, self.new)

    @property
    def flag(self) -> bool:
        """A patch release that removes public API: shown prominently, whatever the tests say."""
        return self.patch_bump and self.removes_public_names

    def summary(self, width: int = 120) -> str:
        """One table cell: `-`, `N changes: ...`, `FLAG: API REMOVED in a patch release: ...`."""
        if self.error is not None:
            return _cut(f"not compared: {self.error}", width)
        if not self.breakages:
            return "-"
        count = f"{len(self.breakages)} change{'s' if len(self.breakages) != 1 else ''}"
        head = f"FLAG: {FLAG} ({count})" if self.flag else count
        return _cut(f"{head}: " + "; ".join(self.breakages), width)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def is_patch_bump(old: str, new: str) -> bool:
    """True when `new` is a later release of the same major.minor series as `old`."""
    try:
        before, after = Version(old), Version(new)
    except InvalidVersion:
        return False
    return after > before and (before.release + (0,))[:2] == (after.release + (0,))[:2]


def api_difference(package: str, old: str, new: str, cache: Path = layout.API_DIFF, packages_dir: Path = layout.PACKAGES) -> ApiDifference:
    """The public API difference of `package` from release `old` to release `new` (either may be
    a channel's own build, `3.0.3+lts2024.1`, read from `packages_dir`)."""
    try:
        old_root, new_root = (release_tree(package, v, cache, packages_dir) for v in (old, new))
        return ApiDifference(package, old, new, tuple(breaking_changes(old_root, new_root)))
    except FlaskLTSError as exc:
        return ApiDifference(package, old, new, error=str(exc))
    except Exception as exc:  # griffe on source it cannot handle: a difference unknown, not a crash
        return ApiDifference(package, old, new, error=f"griffe could not compare {package} {old} and {new} ({type(exc).__name__}: {exc})")


# -- the releases' files -------------------------------------------------------------------


def release_tree(package: str, version: str, cache: Path, packages_dir: Path = layout.PACKAGES) -> Path:
    """The folder holding release `version`'s import packages, fetched and unpacked on first use;
    a channel's own build (a local version the package index never has) from its published files."""
    try:
        normal = str(Version(version))
    except InvalidVersion:
        raise ApiDiffError(f"{package} {version}: not a valid version") from None
    target = cache / f"{canonicalize_name(package)}-{normal}"
    if not target.is_dir() and Version(normal).local is not None:
        cache.mkdir(parents=True, exist_ok=True)
        _unpack(published_file(package, normal, packages_dir), target)
    elif not target.is_dir():
        release = index.project(package).releases.get(normal)
        if release is None:
            raise ApiDiffError(f"{package} {version} is not on the package index")
        entry = release.pure_wheel or release.sdist
        if entry is None:
            raise ApiDiffError(f"{package} {version} has neither a pure-Python wheel nor an sdist on the package index")
        # Each call downloads into a folder of its own: two changes of one package may fetch the
        # same release at once. Only the unpacked folder is kept.
        scratch = cache / f".{target.name}.{os.getpid()}.{threading.get_ident()}.download"
        try:
            _unpack(index.download(entry, scratch), target)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    for folder in ("src", "lib"):  # an sdist's source layout (SQLAlchemy's is lib/)
        source = target / folder
        if source.is_dir() and top_level_modules(source):
            return source
    return target


def published_file(package: str, version: str, packages_dir: Path = layout.PACKAGES) -> Path:
    """A channel's build of `package` (`3.0.3+lts2024.1`): its wheel, else its sdist, as published in
    `packages/<channel>/` (the channel named by the local segment), checked against SHA256SUMS:
    the same bytes the channel's index serves."""
    from .backports import published_builds

    local = Version(version).local or ""
    channel = local.split(".")[0].removeprefix("lts")
    records = published_builds(channel, packages_dir) if channel else []
    record = next((r for r in records if canonicalize_name(r["package"]) == canonicalize_name(package) and r["version"] == version), None)
    if record is None:
        raise ApiDiffError(f"{package} {version} is a channel's build, not published in {layout.packages_folder(channel or '?', packages_dir)}")
    names = [f["filename"] for f in record["files"]]
    chosen = next((n for n in names if n.endswith("-none-any.whl")), None) or next((n for n in names if n.endswith(".tar.gz")), None)
    if chosen is None:
        raise ApiDiffError(f"{package} {version}: its published build has neither a pure-Python wheel nor an sdist")
    return layout.packages_folder(channel, packages_dir) / chosen


def _unpack(archive: Path, target: Path) -> None:
    """Unpack into `target` atomically (a wheel as it is, an sdist without its top folder);
    nothing is written outside it."""
    tmp = target.parent / f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        if archive.name.endswith((".whl", ".zip")):
            with zipfile.ZipFile(archive) as zipped:
                root = tmp.resolve()
                for info in zipped.infolist():
                    dest = (tmp / info.filename).resolve()
                    if info.is_dir() or root not in dest.parents:
                        continue
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(zipped.read(info))
        else:
            with tarfile.open(archive) as tar:
                tar.extractall(tmp, filter="data")
        tree = tmp
        if not archive.name.endswith(".whl"):
            inside = list(tmp.iterdir()) if tmp.is_dir() else []
            if len(inside) == 1 and inside[0].is_dir():
                tree = inside[0]  # an sdist's one top folder
        if not tree.is_dir():
            raise ApiDiffError(f"{archive.name}: the archive is empty")
        try:
            os.replace(tree, target)
        except OSError:
            if not target.is_dir():  # else another thread unpacked the same release meanwhile
                raise
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as exc:
        raise ApiDiffError(f"{archive.name}: not a readable archive ({exc})") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def top_level_modules(root: Path) -> list[str]:
    """The public import packages under `root`: the wheel's or egg-info's top_level.txt, else the
    packages (folders with __init__.py) and modules found there; tests, docs and build scripts left out."""
    names: set[str] = set()
    for listing in [*root.glob("*.dist-info/top_level.txt"), *root.glob("*.egg-info/top_level.txt")]:
        names |= {line.strip() for line in listing.read_text(encoding="utf-8", errors="replace").splitlines()}
    names = {n for n in names if (root / n / "__init__.py").is_file() or (root / f"{n}.py").is_file()}
    if not names:
        for entry in root.iterdir():
            if (entry / "__init__.py").is_file() or (entry.suffix == ".py" and entry.is_file()):
                names.add(entry.stem if entry.is_file() else entry.name)
    return sorted(n for n in names if n.isidentifier() and not n.startswith("_") and n not in NOT_API_TOP_LEVEL)


# -- the comparison ------------------------------------------------------------------------


# Folders inside an import package that hold files but are never imported as its API.
NOT_API_FOLDERS = frozenset({"templates", "static", "tests", "test", "docs", "examples", "__pycache__"})


def _mark_namespace_subpackages(package: Path) -> None:
    """Give a package's implicit namespace subpackages (folders of modules without __init__.py,
    which Python imports all the same: Flask 3.0's flask/sansio/) an empty __init__.py in the
    unpacked tree, so that griffe loads them and resolves the classes that derive from theirs
    (flask.Blueprint's methods live in flask.sansio.blueprints.Blueprint)."""
    for folder in [package, *package.rglob("*")]:
        if not folder.is_dir() or NOT_API_FOLDERS & set(folder.relative_to(package).parts):
            continue
        if folder.name.isidentifier() and any(folder.glob("*.py")) and not (folder / "__init__.py").exists():
            (folder / "__init__.py").touch()


def _load(root: Path, names: Iterable[str]) -> dict[str, griffe.Object | griffe.Alias]:
    import griffe

    for name in names:
        if (root / name / "__init__.py").is_file():
            _mark_namespace_subpackages(root / name)

    logging.getLogger("griffe").setLevel(logging.CRITICAL)  # its notes on code it cannot follow are not the user's business
    # Static analysis only (no inspection): a release's code is never imported into the toolkit.
    loader = griffe.GriffeLoader(search_paths=[root], allow_inspection=False, extensions=griffe.load_extensions(_type_checking_only()))
    loaded = {}
    for name in names:
        try:
            loaded[name] = loader.load(name, try_relative_path=False)
        except ImportError:  # listed, but no Python source for it (a compiled-only module)
            continue
    loader.resolve_aliases(implicit=False, external=None)
    return loaded


@functools.cache
def _type_checking_only() -> griffe.Extension:
    """A griffe extension marking what is defined under `if t.TYPE_CHECKING:` as absent at run
    time (griffe itself only recognises `TYPE_CHECKING` and `typing.TYPE_CHECKING`; the
    Pallets projects write `t.TYPE_CHECKING`)."""
    import griffe

    def guarded(node: ast.AST) -> bool:
        child, parent = node, getattr(node, "parent", None)
        while isinstance(parent, ast.If):
            test = parent.test
            if child in parent.body and getattr(test, "attr", getattr(test, "id", None)) == "TYPE_CHECKING":
                return True
            child, parent = parent, getattr(parent, "parent", None)
        return False

    class TypeCheckingOnly(griffe.Extension):
        def on_instance(self, *, node: ast.AST, obj: griffe.Object, **kwargs: object) -> None:
            if isinstance(node, ast.AST) and guarded(node):
                obj.runtime = False

    return TypeCheckingOnly()


def breaking_changes(old_root: Path, new_root: Path) -> list[str]:
    """Short descriptions of every public API change from the tree `old_root` to `new_root`:
    removals first, then changed signatures and kinds, each in griffe's order."""
    import griffe

    names = top_level_modules(old_root)
    old = _load(old_root, names)
    if not old:
        raise ApiDiffError(f"{old_root.name}: no Python package found to compare")
    new = _load(new_root, [n for n in names if n in old])
    removed, changed = [], []
    signatures: dict[str, list[str]] = {}
    for name, old_module in old.items():
        if name not in new:
            removed.append(f"{REMOVED}{name}")
            continue
        for breakage in griffe.find_breaking_changes(old_module, new[name]):
            path = breakage.obj.path
            if NOT_API_SUBMODULES & set(path.split(".")[1:]):
                continue
            kind = breakage.kind.name
            if _not_breaking(breakage):
                continue
            if kind == "OBJECT_REMOVED":
                removed.append(f"{REMOVED}{path}")
            elif kind.startswith("PARAMETER_"):
                if path not in signatures:
                    signatures[path] = []
                    changed.append(path)  # placeholder: the function's line, filled below
                signatures[path].append(_parameter_change(breakage))
            elif kind == "OBJECT_CHANGED_KIND":
                changed.append(f"{path} is now a {breakage.new_value.value} (was a {breakage.old_value.value})")
            elif kind == "CLASS_REMOVED_BASE":
                kept = {str(b) for b in breakage.new_value}
                gone = [getattr(b, "canonical_path", str(b)) for b in breakage.old_value if str(b) not in kept]
                changed.append(f"{path} no longer derives from {', '.join(gone) or 'a former base'}")
            else:
                changed.append(f"{breakage.kind.value.lower()}: {path} ({breakage.old_value} -> {breakage.new_value})")
    return removed + [_signature_line(c, signatures[c]) if c in signatures else c for c in changed]


def _not_breaking(breakage: griffe.Breakage) -> bool:
    """What griffe reports but no caller can notice: a name that only existed for type checkers
    (under `if TYPE_CHECKING:`), a renamed `*args` or `**kwargs` (never passed by name), `object`
    dropped from a class's bases (`class A(object)` -> `class A`)."""
    kind = breakage.kind.name
    if kind == "OBJECT_REMOVED" and not breakage.obj.runtime:
        return True
    if kind == "PARAMETER_REMOVED" and breakage.old_value.kind.name in ("var_positional", "var_keyword"):
        return any(p.kind is breakage.old_value.kind for p in breakage.obj.parameters)
    if kind == "CLASS_REMOVED_BASE":
        kept = {str(b) for b in breakage.new_value}
        return all(str(b) in kept or str(b) in ("object", "builtins.object") for b in breakage.old_value)
    return False


def _parameter_change(breakage: griffe.Breakage) -> str:
    kind = breakage.kind.name
    old, new = breakage.old_value, breakage.new_value
    name = (old if old is not None else new).name
    if kind == "PARAMETER_REMOVED":
        return f"removed {name}"
    if kind == "PARAMETER_MOVED":
        return f"moved {name}"
    if kind == "PARAMETER_CHANGED_KIND":
        return f"{name} now {new.kind.value}"
    if kind == "PARAMETER_CHANGED_DEFAULT":
        return f"default of {name} {old.default} -> {new.default}"
    if kind == "PARAMETER_CHANGED_REQUIRED":
        return f"{name} now required"
    if kind == "PARAMETER_ADDED_REQUIRED":
        return f"added required {name}"
    return f"{breakage.kind.value.lower()}: {name}"


def _signature_line(path: str, details: list[str]) -> str:
    """`changed signature of f(...): removed a, b; moved c`: one line per function, like
    details grouped (a removal moves every later positional parameter)."""
    groups: dict[str, list[str]] = {}
    for detail in details:
        verb, _, rest = detail.partition(" ")
        if verb in ("removed", "moved", "added"):
            groups.setdefault(verb if verb != "added" else "added required", []).append(rest.removeprefix("required "))
        else:
            groups.setdefault(detail, [])
    parts = [f"{head} {', '.join(names)}" if names else head for head, names in groups.items()]
    return f"changed signature of {path}(...): {'; '.join(parts)}"


def format_difference(difference: ApiDifference) -> str:
    """The command line's answer: a Markdown table of the changes, or one line saying there are none."""
    title = f"{difference.package} {difference.old} -> {difference.new}"
    if not difference.breakages:
        return f"{title}: no public API difference"
    flag = f" — {FLAG}" if difference.flag else ""
    lines = [f"{title}: {len(difference.breakages)} public API change(s){flag}", ""]
    return "\n".join(lines) + markdown_table(["public API change"], [[b] for b in difference.breakages])
