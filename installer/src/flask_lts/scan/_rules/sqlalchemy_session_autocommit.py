"""SQLAlchemy 2.0 removed the Session's autocommit mode."""

from __future__ import annotations

from .._rule import Keywords, is_db


class SQLAlchemySessionAutocommit(Keywords):
    id = "sqlalchemy-session-autocommit"
    package = "sqlalchemy"
    since = "2.0.0"
    summary = "Session(autocommit=True) is gone"
    callables = ("sqlalchemy.orm.Session", "sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.scoped_session",
                 "sqlalchemy.orm.session.Session", "sqlalchemy.orm.session.sessionmaker")  # fmt: skip
    methods = ("create_scoped_session", "create_session")
    receiver = staticmethod(is_db)
    removed = {"autocommit": "begin transactions explicitly: with session.begin(): ..."}


RULE = SQLAlchemySessionAutocommit()
