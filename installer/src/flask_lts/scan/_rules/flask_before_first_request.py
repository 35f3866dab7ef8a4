"""Flask 2.3 removed `app.before_first_request` and `bp.before_app_first_request`
(deprecated in 2.2)."""

from __future__ import annotations

from typing import Iterator

from .._rule import Hit, Rule, hit
from .._source import Module


class FlaskBeforeFirstRequest(Rule):
    id = "flask-before-first-request"
    package = "flask"
    since = "2.3.0"
    summary = "before_first_request / before_app_first_request decorators are gone"
    triggers = ("first_request",)

    def check(self, module: Module) -> Iterator[Hit]:
        for attr in ("before_first_request", "before_app_first_request"):
            for node in module.attributes.get(attr, ()):
                yield hit(node, module.segment(node), "run the setup once at app creation, inside `with app.app_context():`")


RULE = FlaskBeforeFirstRequest()
