"""Werkzeug 2.3 deprecated werkzeug.wsgi.make_line_iter and make_chunk_iter; 3.0
removed them."""

from __future__ import annotations

from .._rule import Moved, MovedNames


class WerkzeugWSGIIterators(MovedNames):
    id = "werkzeug-wsgi-iterators"
    package = "werkzeug"
    deprecated = "2.3.0"
    since = "3.0.0"
    summary = "make_line_iter and make_chunk_iter are gone"
    names = {
        "werkzeug.wsgi.make_line_iter": Moved("", "iterate over the stream (io.BufferedReader.readline)"),
        "werkzeug.wsgi.make_chunk_iter": Moved("", "read the stream in chunks yourself"),
    }


RULE = WerkzeugWSGIIterators()
