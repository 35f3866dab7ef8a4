"""Flask 2.3 deprecated `app.got_first_request`; 3.0 removed it."""

from __future__ import annotations

from typing import Iterator

from .._rule import Hit, Rule, hit
from .._source import Module


class FlaskGotFirstRequest(Rule):
    id = "flask-got-first-request"
    package = "flask"
    deprecated = "2.3.0"
    since = "3.0.0"
    summary = "app.got_first_request is gone"
    triggers = ("got_first_request",)

    def check(self, module: Module) -> Iterator[Hit]:
        for node in module.attributes.get("got_first_request", ()):
            yield hit(node, module.segment(node), "track it yourself if you need it (a flag set in a before_request handler)")


RULE = FlaskGotFirstRequest()
