"""flask-lts: a Flask long-term-support channel, installable.

The package pins Flask, its core dependencies and the extensions of each extra to the
channel's frozen release series, and carries the channel's constraints files::

    import flask_lts
    flask_lts.channel().name          # "2024"
    flask_lts.constraints_path()      # the bundled constraints file for this Python
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ._data import Channel, load

__all__ = ["Channel", "channel", "constraints_path"]


def channel() -> Channel:
    """The channel this installation carries."""
    return load()


def constraints_path(python: Optional[str] = None, hashes: bool = False) -> Path:
    """The bundled constraints file for `python` ("3.12"; default: the running one)."""
    return load().constraints_file(python, hashes=hashes)
