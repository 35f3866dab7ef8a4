"""Flask 2.3 removed the app properties that mirrored config keys (deprecated in 2.2)."""

from __future__ import annotations

from typing import Iterator

from .._rule import Hit, Rule, hit, is_app
from .._source import Module

KEYS = {
    "session_cookie_name": "SESSION_COOKIE_NAME",
    "send_file_max_age_default": "SEND_FILE_MAX_AGE_DEFAULT",
    "use_x_sendfile": "USE_X_SENDFILE",
    "propagate_exceptions": "PROPAGATE_EXCEPTIONS",
    "templates_auto_reload": "TEMPLATES_AUTO_RELOAD",
}


class FlaskAppConfigProperties(Rule):
    id = "flask-app-config-properties"
    package = "flask"
    since = "2.3.0"
    summary = "app.session_cookie_name, send_file_max_age_default, use_x_sendfile, propagate_exceptions, templates_auto_reload are gone"
    triggers = tuple(KEYS)

    def check(self, module: Module) -> Iterator[Hit]:
        for attr, key in KEYS.items():
            for node in module.attributes.get(attr, ()):
                if is_app(module, node.value):
                    yield hit(node, module.segment(node), f"app.config[{key!r}]")


RULE = FlaskAppConfigProperties()
