"""itsdangerous 2.2 deprecated `itsdangerous.__version__`."""

from __future__ import annotations

from .._rule import DEPRECATED, Moved, MovedNames


class ItsdangerousVersion(MovedNames):
    id = "itsdangerous-version"
    package = "itsdangerous"
    since = "2.2.0"
    kind = DEPRECATED
    summary = "itsdangerous.__version__ is deprecated"
    names = {"itsdangerous.__version__": Moved("", 'importlib.metadata.version("itsdangerous")')}


RULE = ItsdangerousVersion()
