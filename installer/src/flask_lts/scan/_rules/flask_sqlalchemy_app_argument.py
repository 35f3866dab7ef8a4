"""Flask-SQLAlchemy 3.0 removed the `app` argument of create_all/drop_all/reflect
(they need an app context) and renamed `bind` to `bind_key`."""

from __future__ import annotations

from .._rule import Keywords, is_db


class FlaskSQLAlchemyAppArgument(Keywords):
    id = "flask-sqlalchemy-app-argument"
    package = "flask-sqlalchemy"
    since = "3.0.0"
    summary = "db.create_all(app=...) is gone, bind= is bind_key="
    fixable = True
    methods = ("create_all", "drop_all", "reflect")
    receiver = staticmethod(is_db)
    renamed = {"bind": "bind_key"}
    removed = {"app": "with app.app_context(): db.create_all()"}


RULE = FlaskSQLAlchemyAppArgument()
