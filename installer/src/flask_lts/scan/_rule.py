"""What a rule is: the package and release a change lands in, a check that finds uses
in a parsed file, and optionally exact text edits that rewrite them.

Most rules are one of two shapes, built here from a table: names that moved or went
away (`MovedNames`), and keyword arguments that were renamed or removed (`Keywords`).
The rest write their own `check`.
"""

from __future__ import annotations

import ast
from typing import Callable, Dict, Iterable, Iterator, List, NamedTuple, Optional, Sequence, Tuple

from ._source import Module

REMOVED, DEPRECATED, CHANGED = "removed", "deprecated", "changed"


class Edit(NamedTuple):
    """Replace source[start:end] with text."""

    start: int
    end: int
    text: str


class Hit(NamedTuple):
    """One use a rule found: where, what changed, what to write instead, and the edits
    that rewrite it (empty when it cannot be rewritten safely)."""

    line: int
    col: int
    message: str
    replacement: str
    edits: Tuple[Edit, ...] = ()
    kind: str = ""  # when this use is hit differently from the rule's kind


def hit(node: ast.AST, message: str, replacement: str, edits: Sequence[Edit] = (), kind: str = "") -> Hit:
    return Hit(node.lineno, node.col_offset + 1, message, replacement, tuple(edits), kind)  # type: ignore[attr-defined]


class Rule:
    """A change in one package from one release on. `since` is the first release with
    the change (`"werkzeug 3.0.0"` reads package and version); `kind` says whether the
    use breaks (removed), warns (deprecated) or behaves differently (changed)."""

    id = ""
    package = ""
    since = ""  # the version, e.g. "3.0.0"
    kind = REMOVED
    deprecated = ""  # the release that started warning, when earlier than `since`
    summary = ""
    fixable = False
    triggers: Tuple[str, ...] = ()  # a file without any of these words is skipped

    def check(self, module: Module) -> Iterable[Hit]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<rule {self.id}: {self.package} {self.since}>"


class Moved(NamedTuple):
    """Where a name went: `target` (a dotted name, or "" when nothing replaces it one
    for one) and a hint for the reader."""

    target: str
    hint: str = ""


class MovedNames(Rule):
    """Names that were removed from a module, each with what to use instead. With
    `fixable`, a `from M import name` whose name has a one-for-one target is rewritten
    (`from flask import Markup` -> `from markupsafe import Markup`), and a renamed name
    is renamed where it is used in that file, when that is unambiguous."""

    names: Dict[str, Moved] = {}

    def __init__(self) -> None:
        self.triggers = self.triggers or tuple(sorted({q.rsplit(".", 1)[-1] for q in self.names}))

    def message(self, qualname: str) -> str:
        return qualname

    def check(self, module: Module) -> Iterator[Hit]:
        statement_edits: Dict[int, Tuple[Edit, ...]] = {}
        for node, qualname, stmt in module.references(self.names):
            if getattr(node, "lineno", None) is None:  # an import alias before Python 3.10
                node = stmt  # type: ignore[assignment]
            moved = self.names[qualname]
            replacement = moved.target or moved.hint
            if moved.target and moved.hint:
                replacement = f"{moved.target} ({moved.hint})"
            edits: Tuple[Edit, ...] = ()
            if self.fixable and stmt is not None:
                if id(stmt) not in statement_edits:
                    statement_edits[id(stmt)] = tuple(self._rewrite_import(module, stmt))
                edits = statement_edits[id(stmt)]
                node = stmt
            elif self.fixable and isinstance(node, ast.Attribute) and moved.target:
                old_mod, _, _ = qualname.rpartition(".")
                new_mod, _, new_name = moved.target.rpartition(".")
                if old_mod == new_mod:  # same module, new name: rename the attribute
                    start, end = module.attr_span(node)
                    edits = (Edit(start, end, new_name),)
            yield hit(node, self.message(qualname), replacement, edits)

    def _rewrite_import(self, module: Module, stmt: ast.ImportFrom) -> List[Edit]:
        """The edits that move this statement's moved names to their new modules, or
        none when that is not safe (a comment inside, a name rebound elsewhere)."""
        start, end = module.span(stmt)
        text = module.source[start:end]
        line_start = module.offset(stmt.lineno, 0)
        indent = module.source[line_start:start]
        if "#" in text or indent.strip() or "\\" in text:
            return []
        keep: List[str] = []  # what stays in this statement, in its order
        moved: Dict[str, List[str]] = {}
        renames: List[Edit] = []
        changed = False
        for alias in stmt.names:
            target = self.names.get(f"{stmt.module}.{alias.name}")
            if target is None or not target.target:
                keep.append(_alias(alias))
                continue
            changed = True
            new_mod, _, new_name = target.target.rpartition(".")
            local = alias.asname or alias.name
            if alias.asname:
                written = new_name if new_name == alias.asname else f"{new_name} as {alias.asname}"
            elif new_name == alias.name:
                written = new_name
            else:
                # A renamed name: rename its uses in this file, unless the old or the new
                # name means something else here.
                if alias.name in module.bound or new_name in module.bound or (
                    new_name in module.imports and module.imports[new_name] != target.target
                ):
                    return []
                for use in module.names.get(local, ()):
                    use_start, use_end = module.span(use)
                    renames.append(Edit(use_start, use_end, new_name))
                written = new_name
            names = keep if new_mod == stmt.module else moved.setdefault(new_mod, [])
            if written not in names and not (written == new_name and new_mod == stmt.module and module.imports.get(new_name) == target.target and new_name in [a.asname or a.name for a in stmt.names]):
                names.append(written)
        if not changed:
            # Only names with no one-for-one target (marshmallow.__version_info__): rewriting
            # the statement as it was would count as a fix that changed nothing.
            return []
        multiline = "\n" in text
        statements = []
        if keep:
            statements.append(_from_import(stmt.module or "", keep, indent, multiline))
        for new_mod, written_names in moved.items():
            statements.append(_from_import(new_mod, written_names, indent, multiline))
        if not statements:
            return []
        return [Edit(start, end, ("\n" + indent).join(statements))] + renames


def _alias(alias: ast.alias) -> str:
    return f"{alias.name} as {alias.asname}" if alias.asname else alias.name


def _from_import(module: str, names: List[str], indent: str, multiline: bool) -> str:
    if multiline and len(names) > 1:
        inner = "".join(f"{indent}    {name},\n" for name in names)
        return f"from {module} import (\n{inner}{indent})"
    return f"from {module} import {', '.join(names)}"


class Keywords(Rule):
    """Keyword arguments of some callables that were renamed (`renamed`, rewritten with
    `fixable`) or removed (`removed`: keyword -> what to do instead)."""

    callables: Tuple[str, ...] = ()  # dotted names
    methods: Tuple[str, ...] = ()  # or method names, for calls on objects the file made
    renamed: Dict[str, str] = {}
    removed: Dict[str, str] = {}
    receiver: Optional[Callable[[Module, ast.AST], bool]] = None

    def __init__(self) -> None:
        self.triggers = self.triggers or tuple(sorted(set(self.renamed) | set(self.removed)))

    def matches(self, module: Module, call: ast.Call) -> bool:
        if self.callables and module.qualname(call.func) in self.callables:
            return True
        func = call.func
        if self.methods and isinstance(func, ast.Attribute) and func.attr in self.methods:
            return self.receiver is None or self.receiver(module, func.value)
        return False

    def check(self, module: Module) -> Iterator[Hit]:
        for call in module.calls:
            if not call.keywords or not self.matches(module, call):
                continue
            given = {kw.arg for kw in call.keywords}
            name = module.segment(call.func)
            for kw in call.keywords:
                if kw.arg in self.renamed:
                    new = self.renamed[kw.arg]
                    span = module.keyword_span(call, kw)
                    edits = (Edit(span[0], span[1], new),) if self.fixable and span and new not in given else ()
                    yield hit(kw.value, f"{name}({kw.arg}=...)",
                              f"{new}=...", edits)  # fmt: skip
                elif kw.arg in self.removed:
                    yield hit(kw.value, f"{name}({kw.arg}=...)",
                              self.removed[kw.arg])  # fmt: skip


# -- who is who: conventional names for the objects rules look at -------------------------

APP_NAMES = ("app", "current_app", "application", "flask_app")


def is_app(module: Module, node: ast.AST) -> bool:
    """A Flask application: made by Flask() here, flask.current_app, or named like one."""
    return module.is_instance_of(node, "flask.Flask", "flask.app.Flask", names=APP_NAMES) or module.qualname(node) == "flask.current_app"


def is_db(module: Module, node: ast.AST) -> bool:
    """A Flask-SQLAlchemy extension object: made by SQLAlchemy() here, or named `db`."""
    return module.is_instance_of(node, "flask_sqlalchemy.SQLAlchemy", names=("db",))


def is_client(module: Module, node: ast.AST) -> bool:
    """A Werkzeug or Flask test client: made by app.test_client() here, or named like one."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "test_client":
        return True
    if module.is_instance_of(node, "werkzeug.test.Client", "flask.testing.FlaskClient"):
        return True
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return "client" in name.lower()


def dotted(node: ast.AST) -> str:
    """`a.b.c` for a chain of names, else ""."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def base_names(module: Module, cls: ast.ClassDef) -> List[str]:
    """The dotted names of a class's bases, resolved through imports where possible."""
    return [module.qualname(b) or dotted(b) for b in cls.bases]


def is_test_file(module: Module) -> bool:
    """A test module (test_*.py, *_test.py, conftest.py, or under a tests/ folder)."""
    import os

    path = module.path.replace(os.sep, "/")
    return "test" in os.path.basename(path) or "/tests/" in path


def fixture_lines(module: Module) -> List[Tuple[int, int]]:
    """The line spans of the pytest fixtures a file defines (a plugin's fixtures set up
    apps for tests: SERVER_NAME to build URLs, for one)."""
    spans = []
    for func in module.functions:
        for decorator in func.decorator_list:  # type: ignore[attr-defined]
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if "fixture" in (dotted(target) or ""):
                spans.append((func.lineno, func.end_lineno or func.lineno))  # type: ignore[attr-defined]
                break
    return spans


def config_key(target: ast.AST) -> Optional[str]:
    """The key of `app.config["KEY"]` (any subscript of a name or attribute with "config" in
    it: `config`, `self.app.config`, `app_config`), else None: `environ["SERVER_NAME"]` is
    WSGI's, not Flask's."""
    if not isinstance(target, ast.Subscript) or "config" not in dotted(target.value).lower():
        return None
    key = target.slice.value if isinstance(target.slice, getattr(ast, "Index", ())) else target.slice  # type: ignore[attr-defined]
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
