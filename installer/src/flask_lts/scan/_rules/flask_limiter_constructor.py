"""Flask-Limiter 3.0 made key_func the only positional argument of Limiter:
Limiter(app, key_func=...) passes the app as the key function."""

from __future__ import annotations

from typing import Iterator

from .._rule import Hit, Rule, hit, is_app
from .._source import Module


class FlaskLimiterConstructor(Rule):
    id = "flask-limiter-constructor"
    package = "flask-limiter"
    since = "3.0.0"
    summary = "Limiter(key_func, *, app=...): the app is a keyword argument"
    triggers = ("Limiter",)

    def check(self, module: Module) -> Iterator[Hit]:
        for call in module.calls:
            if module.qualname(call.func) not in ("flask_limiter.Limiter", "flask_limiter.extension.Limiter"):
                continue
            if call.args and is_app(module, call.args[0]):
                yield hit(call, f"Limiter({module.segment(call.args[0])}, ...)", f"Limiter(key_func, app={module.segment(call.args[0])}, ...)")
            elif len(call.args) > 1:
                yield hit(call, "Limiter() with more than one positional argument", "Limiter(key_func, app=..., default_limits=...)")


RULE = FlaskLimiterConstructor()
