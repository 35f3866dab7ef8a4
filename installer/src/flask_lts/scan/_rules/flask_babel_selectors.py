"""Flask-Babel 3.0 removed the localeselector/timezoneselector decorators: pass the
functions to Babel(app, locale_selector=..., timezone_selector=...)."""

from __future__ import annotations

from typing import Iterator

from .._rule import Hit, Rule, hit
from .._source import Module


class FlaskBabelSelectors(Rule):
    id = "flask-babel-selectors"
    package = "flask-babel"
    since = "3.0.0"
    summary = "babel.localeselector / timezoneselector decorators are gone"
    triggers = ("localeselector", "timezoneselector")

    def check(self, module: Module) -> Iterator[Hit]:
        for attr, keyword in (("localeselector", "locale_selector"), ("timezoneselector", "timezone_selector")):
            for node in module.attributes.get(attr, ()):
                yield hit(node, module.segment(node), f"Babel(app, {keyword}=function) or babel.init_app(app, {keyword}=function)")


RULE = FlaskBabelSelectors()
