"""click 8.2 deprecated `click.__version__`."""

from __future__ import annotations

from .._rule import DEPRECATED, Moved, MovedNames


class ClickVersion(MovedNames):
    id = "click-version"
    package = "click"
    since = "8.2.0"
    kind = DEPRECATED
    summary = "click.__version__ is deprecated"
    names = {"click.__version__": Moved("", 'importlib.metadata.version("click")')}


RULE = ClickVersion()
