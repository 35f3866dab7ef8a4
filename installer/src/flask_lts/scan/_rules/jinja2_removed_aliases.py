"""Jinja 3.0 deprecated Markup/escape re-exports and the context decorators; 3.1
removed them."""

from __future__ import annotations

from .._rule import Moved, MovedNames


class Jinja2RemovedAliases(MovedNames):
    id = "jinja2-removed-aliases"
    package = "jinja2"
    deprecated = "3.0.0"
    since = "3.1.0"
    summary = "jinja2.Markup/escape and contextfunction-style decorators are gone"
    fixable = True
    names = {
        "jinja2.Markup": Moved("markupsafe.Markup"),
        "jinja2.escape": Moved("markupsafe.escape"),
        "jinja2.contextfunction": Moved("jinja2.pass_context"),
        "jinja2.contextfilter": Moved("jinja2.pass_context"),
        "jinja2.evalcontextfunction": Moved("jinja2.pass_eval_context"),
        "jinja2.evalcontextfilter": Moved("jinja2.pass_eval_context"),
        "jinja2.environmentfunction": Moved("jinja2.pass_environment"),
        "jinja2.environmentfilter": Moved("jinja2.pass_environment"),
        "jinja2.ext.with_": Moved("", "nothing: with is built in"),
        "jinja2.ext.autoescape": Moved("", "nothing: autoescape is built in"),
    }


RULE = Jinja2RemovedAliases()
