"""Maintainer toolkit of flask-lts.

The public surface is small: load a channel, resolve it into constraints,
verify a pinned set. Everything else is private to its pipeline step.
"""

from ._exceptions import FlaskLTSError

__all__ = ["FlaskLTSError"]
