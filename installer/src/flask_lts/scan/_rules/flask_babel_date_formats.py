"""Flask-Babel 3.0 removed the private Babel._date_formats: the public Babel.date_formats
is the same mapping (2.0 set one to the other in init_app)."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Edit, Hit, Rule, hit
from .._source import Module

BABEL_CLASSES = ("flask_babel.Babel",)


def is_babel(module: Module, node: ast.AST) -> bool:
    """A Flask-Babel extension object: made by Babel() here, or named `babel`."""
    if isinstance(node, ast.Name) and node.id in module.instances:
        return module.instances[node.id] in BABEL_CLASSES
    return module.is_instance_of(node, *BABEL_CLASSES, names=("babel",))


class FlaskBabelDateFormats(Rule):
    id = "flask-babel-date-formats"
    package = "flask-babel"
    since = "3.0.0"
    summary = "Babel._date_formats is gone: Babel.date_formats"
    fixable = True
    triggers = ("_date_formats",)

    def check(self, module: Module) -> Iterator[Hit]:
        for node in module.attributes.get("_date_formats", ()):
            if not is_babel(module, node.value):
                continue  # openpyxl's workbook._date_formats and the like
            start, end = module.attr_span(node)
            yield hit(node, f"{module.segment(node)}", f"{module.segment(node.value)}.date_formats",
                      (Edit(start, end, "date_formats"),))  # fmt: skip


RULE = FlaskBabelDateFormats()
