"""Flask-Admin 2.0 replaced Admin(template_mode=, base_template=) and the
FLASK_ADMIN_SWATCH setting with a theme object: Admin(theme=Bootstrap4Theme(...))."""

from __future__ import annotations

from typing import Iterator

from .._rule import Hit, Keywords, hit
from .._source import Module


class FlaskAdminTheme(Keywords):
    id = "flask-admin-theme"
    package = "flask-admin"
    since = "2.0.0"
    summary = "Admin(template_mode=, base_template=) and FLASK_ADMIN_SWATCH are a theme now"
    triggers = ("template_mode", "base_template", "FLASK_ADMIN_SWATCH")
    callables = ("flask_admin.Admin", "flask_admin.base.Admin")
    removed = {
        "template_mode": "theme=flask_admin.theme.Bootstrap4Theme() (Bootstrap 4 only)",
        "base_template": "theme=Bootstrap4Theme(base_template=...)",
    }

    def check(self, module: Module) -> Iterator[Hit]:
        yield from super().check(module)
        for node in module.strings.get("FLASK_ADMIN_SWATCH", ()):
            yield hit(node, 'config "FLASK_ADMIN_SWATCH"', "Bootstrap4Theme(swatch=...)")


RULE = FlaskAdminTheme()
