"""Flask-Limiter 4.0 made its submodules private (extension, wrappers, manager, limits):
import from flask_limiter itself."""

from __future__ import annotations

from .._rule import Moved, MovedNames

PUBLIC = ("Limiter", "RequestLimit", "Limit", "RouteLimit", "ApplicationLimit", "MetaLimit")


class FlaskLimiterPrivateModules(MovedNames):
    id = "flask-limiter-private-modules"
    package = "flask-limiter"
    since = "4.0.0"
    summary = "flask_limiter.extension/wrappers/manager are private: import from flask_limiter"
    fixable = True
    triggers = ("flask_limiter",)
    names = {
        **{f"flask_limiter.extension.{n}": Moved(f"flask_limiter.{n}") for n in ("Limiter", "RequestLimit")},
        **{f"flask_limiter.wrappers.{n}": Moved(f"flask_limiter.{n}") for n in ("RequestLimit", "Limit")},
        "flask_limiter.wrappers.LimitGroup": Moved("", "flask_limiter.Limit / RouteLimit"),
        "flask_limiter.manager.LimitManager": Moved("", "nothing public: use the Limiter's methods"),
    }


RULE = FlaskLimiterPrivateModules()
