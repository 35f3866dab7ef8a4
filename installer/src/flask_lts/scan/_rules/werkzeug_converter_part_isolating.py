"""Werkzeug 2.2's state-machine router matches a converter inside one path segment unless
the converter says `part_isolating = False`: a custom converter whose regex matches '/'
stops matching. From 2.3 a class-level `regex` containing a '/' sets it by itself; a regex
that matches '/' without spelling one ('.*', '[^?]+', '\\S+'), or one set in __init__
(the RegexConverter recipe), still needs it written."""

from __future__ import annotations

import ast
import re
from typing import Iterator, Optional

from .._rule import CHANGED, Edit, Hit, Rule, base_names, hit
from .._source import Module

CONVERTERS = {f"werkzeug.routing.{name}" for name in ("BaseConverter", "UnicodeConverter", "AnyConverter")} | {
    f"werkzeug.routing.converters.{name}" for name in ("BaseConverter", "UnicodeConverter", "AnyConverter")
}
# Strings a URL part can hold around a '/': a regex matching one of them whole would match
# across segments before 2.2.
PROBES = ("/", "a/b", "1/2", "a/", "/a", "a/b/c", "a.b/c-d")


def matches_slash(regex: str) -> Optional[bool]:
    """Whether the regex can match a string with a '/' in it (None: it does not compile)."""
    try:
        pattern = re.compile(regex)
    except (re.error, RecursionError):
        return None
    return any(pattern.fullmatch(probe) for probe in PROBES)


class WerkzeugConverterPartIsolating(Rule):
    id = "werkzeug-converter-part-isolating"
    package = "werkzeug"
    since = "2.2.0"
    kind = CHANGED
    summary = "a custom converter matching '/' must set part_isolating = False"
    fixable = True
    triggers = ("Converter",)

    def check(self, module: Module) -> Iterator[Hit]:
        for cls in module.classes:
            if not any(base in CONVERTERS for base in base_names(module, cls)):
                continue
            body = {t.id: stmt for stmt in cls.body if isinstance(stmt, ast.Assign) for t in stmt.targets if isinstance(t, ast.Name)}
            if "part_isolating" in body:
                continue
            regex = body.get("regex")
            if regex is not None:
                value = regex.value
                if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                    continue
                if "/" in value.value or not matches_slash(value.value):
                    continue  # Werkzeug >= 2.3 sets part_isolating itself when the regex spells a '/'
                yield hit(regex, f"converter {cls.name}: regex {value.value!r} matches '/' but part_isolating is True",
                          "part_isolating = False in the class", self._insert(module, regex))  # fmt: skip
            else:
                for node in ast.walk(cls):
                    if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "regex"
                                                             and isinstance(t.value, ast.Name) and t.value.id == "self"
                                                             for t in node.targets)):  # fmt: skip
                        yield hit(node, f"converter {cls.name}: self.regex set at run time, part_isolating is True",
                                  "part_isolating = False in the class if the regex can match '/'")  # fmt: skip
                        break

    @staticmethod
    def _insert(module: Module, stmt: ast.Assign) -> tuple:
        line = module.lines[stmt.end_lineno - 1]  # type: ignore[operator]
        indent = line[: len(line) - len(line.lstrip())]
        if stmt.lineno != stmt.end_lineno or not line.rstrip("\r\n").endswith(module.segment(stmt)) or ";" in line:
            return ()
        end = module.offset(stmt.end_lineno, stmt.end_col_offset)  # type: ignore[arg-type]
        return (Edit(end, end, f"\n{indent}part_isolating = False"),)


RULE = WerkzeugConverterPartIsolating()
