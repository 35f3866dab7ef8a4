"""SQLAlchemy 2.0 removed create_engine's convert_unicode, encoding, strategy and
case_sensitive arguments."""

from __future__ import annotations

from .._rule import Keywords


class SQLAlchemyEngineArguments(Keywords):
    id = "sqlalchemy-engine-arguments"
    package = "sqlalchemy"
    since = "2.0.0"
    summary = "create_engine(convert_unicode=, encoding=, strategy=, case_sensitive=) are gone"
    callables = ("sqlalchemy.create_engine", "sqlalchemy.engine.create_engine")
    removed = {
        "convert_unicode": "nothing: strings are always unicode",
        "encoding": "nothing (the driver's own encoding setting, in the URL's query if needed)",
        "strategy": 'create_mock_engine() for strategy="mock"; nothing otherwise',
        "case_sensitive": "nothing: result columns match case-sensitively",
    }


RULE = SQLAlchemyEngineArguments()
