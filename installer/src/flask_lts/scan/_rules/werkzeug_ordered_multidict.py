"""Werkzeug 3.1 deprecated OrderedMultiDict and ImmutableOrderedMultiDict."""

from __future__ import annotations

from .._rule import DEPRECATED, Moved, MovedNames


class WerkzeugOrderedMultiDict(MovedNames):
    id = "werkzeug-ordered-multidict"
    package = "werkzeug"
    since = "3.1.0"
    kind = DEPRECATED
    summary = "OrderedMultiDict and ImmutableOrderedMultiDict are deprecated"
    names = {
        f"werkzeug.datastructures.{name}": Moved("", f"werkzeug.datastructures.{name.replace('Ordered', '')} (insertion-ordered)")
        for name in ("OrderedMultiDict", "ImmutableOrderedMultiDict")
    }


RULE = WerkzeugOrderedMultiDict()
