"""Werkzeug 2.3 deprecated `werkzeug.urls` except iri_to_uri/uri_to_iri; 3.0 removed
the rest (the import error that broke Flask-Login 0.6.2)."""

from __future__ import annotations

from .._rule import Moved, MovedNames

NAMES = {
    "url_parse": Moved("urllib.parse.urlsplit", "returns a SplitResult, not a URL object"),
    "url_unparse": Moved("urllib.parse.urlunsplit"),
    "url_quote": Moved("urllib.parse.quote", "default safe characters differ"),
    "url_quote_plus": Moved("urllib.parse.quote_plus"),
    "url_unquote": Moved("urllib.parse.unquote"),
    "url_unquote_plus": Moved("urllib.parse.unquote_plus"),
    "url_encode": Moved("urllib.parse.urlencode", "pass doseq=True for lists; None values are not skipped"),
    "url_encode_stream": Moved("urllib.parse.urlencode"),
    "url_decode": Moved("urllib.parse.parse_qs", "or werkzeug.datastructures.MultiDict(urllib.parse.parse_qsl(...))"),
    "url_decode_stream": Moved("urllib.parse.parse_qsl"),
    "url_join": Moved("urllib.parse.urljoin"),
    "url_fix": Moved("", "urllib.parse.quote on the parts that need it"),
    "BaseURL": Moved("", "urllib.parse.SplitResult"),
    "URL": Moved("", "urllib.parse.SplitResult (urlsplit)"),
    "BytesURL": Moved("", "urllib.parse.SplitResultBytes"),
    "Href": Moved("", "build the URL with urllib.parse.urlencode"),
}


class WerkzeugUrls(MovedNames):
    id = "werkzeug-urls"
    package = "werkzeug"
    deprecated = "2.3.0"
    since = "3.0.0"
    summary = "werkzeug.urls keeps only iri_to_uri and uri_to_iri: use urllib.parse"
    triggers = ("werkzeug",)
    names = {f"werkzeug.urls.{name}": moved for name, moved in NAMES.items()}


RULE = WerkzeugUrls()
