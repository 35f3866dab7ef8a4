"""Flask-SQLAlchemy 3.0 resolves a relative SQLite path against app.instance_path, not
app.root_path (or the working directory): `sqlite:///app.db` is instance/app.db now, so
code and tests that open app.db next to the app see another, empty database. Source:
CHANGES.rst, Version 3.0.0: "Configuring SQLite with a relative path is relative to
``app.instance_path`` instead of ``app.root_path``. The instance folder is created if
necessary. :issue:`462`"."""

from __future__ import annotations

from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module


class FlaskSQLAlchemySqlitePath(Rule):
    id = "flask-sqlalchemy-sqlite-path"
    package = "flask-sqlalchemy"
    since = "3.0.0"
    kind = CHANGED
    summary = "a relative sqlite:/// path is under app.instance_path, not the app's folder"
    triggers = ("sqlite:///",)

    def check(self, module: Module) -> Iterator[Hit]:
        if "SQLALCHEMY_DATABASE_URI" not in module.source and "SQLALCHEMY_BINDS" not in module.source:
            return
        for value, nodes in module.strings.items():
            if not value.startswith("sqlite:///"):
                continue
            path = value[len("sqlite:///"):]
            if not path or path.startswith(("/", ":memory:", "file:")) or path[1:3] == ":\\":
                continue
            for node in nodes:
                yield hit(node, f"{value!r}: relative to the instance folder now",
                          "an absolute path (os.path.join(app.root_path, ...)), or look for the file in app.instance_path")  # fmt: skip


RULE = FlaskSQLAlchemySqlitePath()
