"""Flask-SQLAlchemy 3.0 deprecated SQLALCHEMY_COMMIT_ON_TEARDOWN; 3.1 ignores it."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Hit, Rule, hit
from .._source import Module

KEY = "SQLALCHEMY_COMMIT_ON_TEARDOWN"


class FlaskSQLAlchemyCommitOnTeardown(Rule):
    id = "flask-sqlalchemy-commit-on-teardown"
    package = "flask-sqlalchemy"
    deprecated = "3.0.0"
    since = "3.1.0"
    summary = "SQLALCHEMY_COMMIT_ON_TEARDOWN no longer commits"
    triggers = (KEY,)

    def check(self, module: Module) -> Iterator[Hit]:
        for node in module.strings.get(KEY, ()):
            yield hit(node, f"config {KEY!r}", "call db.session.commit() where the work is done")
        for node in module.names.get(KEY, ()):
            if isinstance(node.ctx, ast.Store):
                yield hit(node, f"config {KEY}", "call db.session.commit() where the work is done")


RULE = FlaskSQLAlchemyCommitOnTeardown()
