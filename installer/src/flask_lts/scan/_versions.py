"""Which versions a scan compares: a channel's pins, or what is installed here.

Every installer carries this table for every channel, not only its own, so that
`flask-lts scan --from 2024 --to 2026` works from either installer. Each row is the
channel's pins (constraints/flask-lts-<channel>.txt, the default Python);
tests/unit/scan/test_scan_versions.py fails when they drift and prints the new rows.
The 2022 channel is archived (end-of-life), kept as the starting point of a move: Flask 2.1,
Werkzeug 2.1, SQLAlchemy 1.4, Flask-SQLAlchemy 2.5, the series current on its freeze date
(2022-06-30), each at its last release.
"""

from __future__ import annotations

import re
from typing import Dict, Optional, Tuple

from .._data import normalize

CHANNELS: Dict[str, Dict[str, str]] = {
    "2022": {
        "alembic": "1.8.1", "bcrypt": "3.2.2", "click": "8.1.8", "flask": "2.1.3", "flask-admin": "1.6.1",
        "flask-babel": "2.0.0", "flask-caching": "2.0.2", "flask-compress": "1.12", "flask-cors": "3.0.10", "flask-httpauth": "4.7.0",
        "flask-jwt-extended": "4.4.4", "flask-limiter": "2.4.6", "flask-login": "0.6.3", "flask-marshmallow": "0.14.0",
        "flask-migrate": "3.1.0", "flask-restx": "0.5.1", "flask-session": "0.4.1", "flask-smorest": "0.38.1", "flask-socketio": "5.2.0",
        "flask-sqlalchemy": "2.5.1", "flask-wtf": "1.0.1", "itsdangerous": "2.1.2", "jinja2": "3.1.6",
        "markupsafe": "2.1.5", "marshmallow": "3.17.1", "sqlalchemy": "1.4.54", "werkzeug": "2.1.2",
        "wtforms": "3.0.1",
    },
    "2024": {
        "alembic": "1.13.3", "bcrypt": "4.1.3", "click": "8.1.8", "flask": "3.0.3", "flask-admin": "1.6.1",
        "flask-babel": "4.0.0", "flask-caching": "2.3.1", "flask-compress": "1.15", "flask-cors": "4.0.2", "flask-httpauth": "4.8.0",
        "flask-jwt-extended": "4.6.0", "flask-limiter": "3.7.0", "flask-login": "0.6.3", "flask-marshmallow": "1.2.1",
        "flask-migrate": "4.0.7", "flask-restx": "1.3.2", "flask-session": "0.8.0", "flask-smorest": "0.44.0", "flask-socketio": "5.5.1",
        "flask-sqlalchemy": "3.1.1", "flask-wtf": "1.2.2", "itsdangerous": "2.2.0", "jinja2": "3.1.6",
        "markupsafe": "2.1.5", "marshmallow": "3.21.3", "sqlalchemy": "2.0.51", "werkzeug": "3.0.6", "wtforms": "3.1.2",
    },
    "2026": {
        "alembic": "1.18.5", "bcrypt": "4.3.0", "click": "8.4.2", "flask": "3.1.3", "flask-admin": "2.2.1",
        "flask-babel": "4.0.0", "flask-caching": "2.4.1", "flask-compress": "1.24", "flask-cors": "6.0.5", "flask-httpauth": "4.8.1",
        "flask-jwt-extended": "4.7.4", "flask-limiter": "4.1.1", "flask-login": "0.6.3", "flask-marshmallow": "1.5.0",
        "flask-migrate": "4.1.0", "flask-restx": "1.3.2", "flask-session": "0.8.0", "flask-smorest": "0.47.0", "flask-socketio": "5.6.1",
        "flask-sqlalchemy": "3.1.1", "flask-wtf": "1.3.0", "itsdangerous": "2.2.0", "jinja2": "3.1.6",
        "markupsafe": "3.0.4", "marshmallow": "4.3.1", "sqlalchemy": "2.0.58", "werkzeug": "3.1.9", "wtforms": "3.2.2",
    },
}  # fmt: skip

Versions = Dict[str, str]  # normalized package name -> version


def release(version: str) -> Tuple[int, ...]:
    """The numeric release of a version ("3.0.0rc1" -> (3, 0, 0)), enough to order the
    final releases this table and the rules name."""
    match = re.match(r"\d+(?:\.\d+)*", version.strip())
    if not match:
        return ()
    parts = [int(p) for p in match.group(0).split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def applies(package: str, since: str, old: Versions, new: Versions) -> bool:
    """Whether a change that lands in `package` `since` lies between two sets of
    versions: the old one before it, the new one at or after it. A package missing
    from either side is not moved, so nothing about it applies."""
    name = normalize(package)
    if name not in old or name not in new:
        return False
    return release(old[name]) < release(since) <= release(new[name])


def installed(packages: "Optional[list]" = None) -> Versions:
    """The versions installed in this environment of the packages the table names."""
    from importlib import metadata

    found: Versions = {}
    for name in packages or sorted({n for row in CHANNELS.values() for n in row}):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found
