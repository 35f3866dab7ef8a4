"""SQLAlchemy 2.0 removed bound metadata (MetaData(bind=)) and Table(autoload=True):
reflection takes the engine, autoload_with=engine."""

from __future__ import annotations

from .._rule import Keywords


class SQLAlchemyBoundMetadata(Keywords):
    id = "sqlalchemy-bound-metadata"
    package = "sqlalchemy"
    since = "2.0.0"
    summary = "MetaData(bind=) and Table(autoload=) are gone"
    callables = ("sqlalchemy.MetaData", "sqlalchemy.schema.MetaData", "sqlalchemy.Table", "sqlalchemy.schema.Table")
    removed = {
        "bind": "no binding: pass the engine where it is used (metadata.create_all(engine), autoload_with=engine)",
        "autoload": "autoload_with=engine",
    }


RULE = SQLAlchemyBoundMetadata()
