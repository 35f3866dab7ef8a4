"""`flask-lts dockerfile`: a starter Dockerfile for an app on the channel's base image."""

from __future__ import annotations

import re
from typing import Sequence

from ._data import Channel
from ._exceptions import UsageError

IMAGE = "ghcr.io/flask-lts/flask-lts"
_APP = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*(\(.*\))?$")


def parse_extras(channel: Channel, text: str) -> list:
    """`login,sqlalchemy` -> ["login", "sqlalchemy"], every name checked against the channel."""
    extras = [part.strip() for part in text.split(",") if part.strip()]
    known = [*channel.extras, "all"]
    unknown = [e for e in extras if e not in known]
    if unknown:
        raise UsageError(
            f"unknown extra {unknown[0]!r} for channel {channel.name}; its extras are: {', '.join(known)}"
        )
    return list(dict.fromkeys(extras))


def render(channel: Channel, python: str, extras: Sequence[str], app: str = "app:app", port: int = 8000) -> str:
    if python not in channel.pythons:
        raise UsageError(f"channel {channel.name} has images for Python {', '.join(channel.pythons)}, not {python}")
    if not _APP.match(app):
        raise UsageError(f"--app {app!r} is not a WSGI application like module:app or package.module:create_app()")
    if not 0 < port < 65536:
        raise UsageError(f"--port {port} is not a TCP port")
    requirement = "flask-lts" + (f"[{','.join(extras)}]" if extras else "") + f"=={channel.version}"
    command = "flask-lts dockerfile --python " + python + (f" --extras {','.join(extras)}" if extras else "")
    cmd = ", ".join(f'"{part}"' for part in ("gunicorn", "--bind", f"0.0.0.0:{port}", app))
    return f"""\
# syntax=docker/dockerfile:1
# A starter Dockerfile for a Flask app on {channel.display} (flask-lts {channel.version}), Python {python}.
# Made by: {command}
#
# The base image has the channel installed, its constraints file at
# /etc/flask-lts/constraints.txt and PIP_CONSTRAINT pointing at it, so every
# pip install below stays inside the channel. It runs as the non-root user app.
FROM {IMAGE}:{channel.name}-py{python}

# An index that serves flask-lts, if yours is not pip's default:
#   docker build --build-arg PIP_INDEX_URL=https://your-index/simple/ .
ARG PIP_INDEX_URL

WORKDIR /app

# Your app's other dependencies go in requirements.txt, with a WSGI server
# (gunicorn, waitress, ...): the Flask development server is not for production.
COPY requirements.txt .
RUN pip install --no-cache-dir "{requirement}" -r requirements.txt

COPY . .

EXPOSE {port}
# Assumes gunicorn in requirements.txt and your Flask application object at {app}.
CMD [{cmd}]
"""
