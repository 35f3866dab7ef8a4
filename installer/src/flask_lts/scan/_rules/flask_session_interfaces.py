"""Flask-Session 0.7 split flask_session.sessions into one subpackage per backend
(flask_session.redis.RedisSessionInterface ...) and no longer re-exports the interfaces
from flask_session: the old imports fail."""

from __future__ import annotations

from .._rule import Moved, MovedNames

BACKENDS = {"Redis": "redis", "Memcached": "memcached", "FileSystem": "filesystem", "MongoDB": "mongodb", "SqlAlchemy": "sqlalchemy"}
NULL = Moved("", "nothing: 0.7 raises an error for a misconfigured backend instead of a null session")
# flask_session.sessions held every class; flask_session re-exported the interfaces.
SESSIONS = {
    **{f"{prefix}Session": Moved(f"flask_session.{package}.{prefix}Session") for prefix, package in BACKENDS.items()},
    **{f"{prefix}SessionInterface": Moved(f"flask_session.{package}.{prefix}SessionInterface") for prefix, package in BACKENDS.items()},
    "ServerSideSession": Moved("flask_session.base.ServerSideSession"),
    "ServerSideSessionInterface": Moved("flask_session.base.ServerSideSessionInterface"),
    "SessionInterface": Moved("", "flask_session.base.ServerSideSessionInterface, or flask.sessions.SessionInterface"),
    "NullSessionInterface": NULL,
}
TOP_LEVEL = ("NullSessionInterface",) + tuple(f"{prefix}SessionInterface" for prefix in BACKENDS)


class FlaskSessionInterfaces(MovedNames):
    id = "flask-session-interfaces"
    package = "flask-session"
    since = "0.7.0"
    summary = "flask_session.sessions is gone: the interfaces live in flask_session.redis, .sqlalchemy ..."
    fixable = True
    names = {
        **{f"flask_session.sessions.{name}": moved for name, moved in SESSIONS.items()},
        **{f"flask_session.{name}": SESSIONS[name] for name in TOP_LEVEL},
    }


RULE = FlaskSessionInterfaces()
