"""One parsed source file and the index every rule reads: what each local name was
imported as, every call, attribute and string, built in one walk of the tree so that
forty rules cost one pass, not forty."""

from __future__ import annotations

import ast
import re
from typing import Dict, Iterator, List, Optional, Set, Tuple


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class Module:
    """A parsed file: its text, its tree, and where imported names point."""

    def __init__(self, source: str, tree: ast.Module, path: str = "<string>") -> None:
        self.source = source
        self.tree = tree
        self.path = path
        self.lines = _LINE.findall(source)  # the tokenizer's line ends, not str.splitlines'
        self._starts: List[int] = []
        offset = 0
        for line in self.lines:
            self._starts.append(offset)
            offset += len(line)
        self._starts.append(offset)
        self.imports: Dict[str, str] = {}  # local name -> dotted name it was imported as
        self.import_froms: List[ast.ImportFrom] = []
        self.import_stmts: List[ast.Import] = []
        self.calls: List[ast.Call] = []
        self.attributes: Dict[str, List[ast.Attribute]] = {}
        self.names: Dict[str, List[ast.Name]] = {}
        self.strings: Dict[str, List[ast.Constant]] = {}
        self.classes: List[ast.ClassDef] = []
        self.functions: List[ast.AST] = []
        self.bound: Set[str] = set()  # names bound other than by import (assignment, def, argument)
        self.instances: Dict[str, str] = {}  # local name -> dotted name of the class called to make it
        self._index()

    @classmethod
    def parse(cls, source: str, path: str = "<string>") -> "Module":
        return cls(source, ast.parse(source, filename=path), path)

    # -- the index ------------------------------------------------------------
    def _index(self) -> None:
        imports, calls, attributes, names, strings = self.imports, self.calls, self.attributes, self.names, self.strings
        assigns: List[ast.Assign] = []
        for node in ast.walk(self.tree):
            kind = type(node)
            if kind is ast.Name:
                names.setdefault(node.id, []).append(node)  # type: ignore[attr-defined]
                if type(node.ctx) is ast.Store:  # type: ignore[attr-defined]
                    self.bound.add(node.id)  # type: ignore[attr-defined]
            elif kind is ast.Attribute:
                attributes.setdefault(node.attr, []).append(node)  # type: ignore[attr-defined]
            elif kind is ast.Call:
                calls.append(node)  # type: ignore[arg-type]
            elif kind is ast.Constant:
                value = node.value  # type: ignore[attr-defined]
                if type(value) is str and len(value) < 80:
                    strings.setdefault(value, []).append(node)  # type: ignore[arg-type]
            elif kind is ast.ImportFrom:
                self.import_froms.append(node)  # type: ignore[arg-type]
                if not node.level and node.module:  # type: ignore[attr-defined]
                    for alias in node.names:  # type: ignore[attr-defined]
                        if alias.name != "*":
                            imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"  # type: ignore[attr-defined]
            elif kind is ast.Import:
                self.import_stmts.append(node)  # type: ignore[arg-type]
                for alias in node.names:  # type: ignore[attr-defined]
                    if alias.asname:
                        imports[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        imports[top] = top
            elif kind is ast.Assign:
                assigns.append(node)  # type: ignore[arg-type]
            elif kind is ast.ClassDef:
                self.classes.append(node)  # type: ignore[arg-type]
                self.bound.add(node.name)  # type: ignore[attr-defined]
            elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                self.functions.append(node)
                self.bound.add(node.name)  # type: ignore[attr-defined]
            elif kind is ast.arg:
                self.bound.add(node.arg)  # type: ignore[attr-defined]
        for assign in assigns:
            if isinstance(assign.value, ast.Call):
                made = self.qualname(assign.value.func)
                if made:
                    for target in assign.targets:
                        if isinstance(target, ast.Name):
                            self.instances[target.id] = made

    def mentions(self, *words: str) -> bool:
        """Cheap pre-check: does the text contain any of `words`?"""
        return any(word in self.source for word in words)

    # -- names ----------------------------------------------------------------
    def qualname(self, node: ast.AST) -> Optional[str]:
        """The dotted name an expression refers to through the imports (`M.Markup` after
        `import flask as M` is "flask.Markup"), or None."""
        parts: List[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        base = self.imports.get(node.id)
        if base is None:
            return None
        parts.append(base)
        return ".".join(reversed(parts))

    def references(self, qualnames: "Dict[str, object] | Set[str]") -> Iterator[Tuple[ast.AST, str, Optional[ast.ImportFrom]]]:
        """Every import of, and attribute reference to, one of `qualnames`: (node,
        qualname, the from-import statement when the node is one of its aliases)."""
        for stmt in self.import_froms:
            if stmt.level or not stmt.module:
                continue
            for alias in stmt.names:
                name = f"{stmt.module}.{alias.name}"
                if name in qualnames:
                    yield alias, name, stmt
        for stmt in self.import_stmts:
            for alias in stmt.names:
                if alias.name in qualnames:
                    yield stmt, alias.name, None
        wanted_attrs = {q.rsplit(".", 1)[-1] for q in qualnames}
        for attr in wanted_attrs:
            for node in self.attributes.get(attr, ()):
                name = self.qualname(node)
                if name in qualnames:
                    yield node, name, None  # type: ignore[misc]

    def is_instance_of(self, node: ast.AST, *classes: str, names: Tuple[str, ...] = ()) -> bool:
        """Whether an expression is (by its local name) an instance of one of `classes`:
        bound from a call of the class in this file, or conventionally named (`app`)."""
        if isinstance(node, ast.Name):
            if self.instances.get(node.id) in classes:
                return True
            return node.id in names
        if isinstance(node, ast.Attribute):
            return node.attr in names
        if isinstance(node, ast.Call):
            return self.qualname(node.func) in classes
        return False

    # -- positions ------------------------------------------------------------
    def offset(self, lineno: int, col: int) -> int:
        """Text offset of an ast position (ast columns count UTF-8 bytes)."""
        line = self.lines[lineno - 1] if lineno - 1 < len(self.lines) else ""
        if not line.isascii():
            col = len(line.encode("utf-8")[:col].decode("utf-8", "replace"))
        return self._starts[lineno - 1] + col

    def span(self, node: ast.AST) -> Tuple[int, int]:
        return (
            self.offset(node.lineno, node.col_offset),  # type: ignore[attr-defined]
            self.offset(node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
        )

    def segment(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.source[start:end]

    def keyword_span(self, call: ast.Call, kw: ast.keyword) -> Optional[Tuple[int, int]]:
        """Where the name of keyword argument `kw` is written (Python 3.8's ast has no
        position for keywords: found by searching back from the value)."""
        if kw.arg is None:
            return None
        if getattr(kw, "lineno", None) is not None:
            start = self.offset(kw.lineno, kw.col_offset)  # type: ignore[attr-defined]
        else:
            value_start = self.offset(kw.value.lineno, kw.value.col_offset)  # type: ignore[attr-defined]
            start = self.source.rfind(kw.arg, self.span(call)[0], value_start)
            if start < 0 or self.source[start + len(kw.arg):value_start].strip() != "=":
                return None
        if self.source[start:start + len(kw.arg)] != kw.arg:
            return None
        return start, start + len(kw.arg)

    def attr_span(self, node: ast.Attribute) -> Tuple[int, int]:
        """Where the attribute name of `x.name` is written."""
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[arg-type]
        return end - len(node.attr), end
