"""Werkzeug 2.3 deprecated the Authorization/WWW-Authenticate header parsers and
WWWAuthenticate.set_basic/set_digest; 3.0 removed them."""

from __future__ import annotations

from typing import Iterator

from .._rule import Hit, Moved, MovedNames, hit
from .._source import Module


class WerkzeugAuthHeaders(MovedNames):
    id = "werkzeug-auth-headers"
    package = "werkzeug"
    deprecated = "2.3.0"
    since = "3.0.0"
    summary = "parse_authorization_header, parse_www_authenticate_header, WWWAuthenticate.set_basic/set_digest are gone"
    triggers = ("_header", "set_basic", "set_digest")
    names = {
        "werkzeug.http.parse_authorization_header": Moved("", "werkzeug.datastructures.Authorization.from_header(value)"),
        "werkzeug.http.parse_www_authenticate_header": Moved("", "werkzeug.datastructures.WWWAuthenticate.from_header(value)"),
    }

    def check(self, module: Module) -> Iterator[Hit]:
        yield from super().check(module)
        if "werkzeug" not in module.source:
            return
        for attr in ("set_basic", "set_digest"):
            for node in module.attributes.get(attr, ()):
                yield hit(node, module.segment(node), 'response.www_authenticate = WWWAuthenticate("basic", {"realm": ...})')


RULE = WerkzeugAuthHeaders()
