"""Flask-Babel 3.0: Babel.list_translations() always includes the default locale, even
when the app has no catalogue for it. Code that added the default locale itself (for an
English app translated into other languages, the usual case) now lists it twice."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module
from .flask_babel_date_formats import is_babel


class FlaskBabelListTranslations(Rule):
    id = "flask-babel-list-translations"
    package = "flask-babel"
    since = "3.0.0"
    kind = CHANGED
    summary = "babel.list_translations() now always includes the default locale"
    triggers = ("list_translations",)

    def check(self, module: Module) -> Iterator[Hit]:
        for call in module.calls:
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr == "list_translations" and is_babel(module, func.value):
                yield hit(call, f"{module.segment(func)}() (now includes the default locale)",
                          "drop the default locale the code adds itself (it would come twice)")  # fmt: skip


RULE = FlaskBabelListTranslations()
