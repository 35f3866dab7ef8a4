"""Werkzeug 2.3 deprecated every `charset`/`errors` setting (data is always UTF-8);
3.0 removed them."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Hit, Keywords, base_names, hit
from .._source import Module

WRAPPERS = {
    "werkzeug.Request", "werkzeug.Response", "werkzeug.wrappers.Request", "werkzeug.wrappers.Response",
    "werkzeug.wrappers.request.Request", "werkzeug.wrappers.response.Response", "flask.Request", "flask.Response",
    "flask.wrappers.Request", "flask.wrappers.Response", "werkzeug.test.Client", "flask.testing.FlaskClient",
}  # fmt: skip
ATTRIBUTES = ("charset", "url_charset", "encoding_errors")


class WerkzeugCharset(Keywords):
    id = "werkzeug-charset"
    package = "werkzeug"
    deprecated = "2.3.0"
    since = "3.0.0"
    summary = "charset/errors arguments and Request/Response charset attributes are gone: always UTF-8"
    triggers = ("charset", "errors")
    callables = tuple(
        f"werkzeug.{m}.{f}" for m, fs in {
            "urls": ("iri_to_uri", "uri_to_iri"),
            "http": ("dump_cookie", "parse_cookie"),
            "formparser": ("parse_form_data", "FormDataParser", "MultiPartParser"),
            "routing": ("Map",),
            "test": ("EnvironBuilder", "Client", "create_environ"),
            "wsgi": ("get_current_url",),
        }.items() for f in fs
    ) + ("werkzeug.routing.map.Map", "werkzeug.Client")  # fmt: skip
    removed = {"charset": "nothing: UTF-8 is always used", "errors": "nothing: invalid bytes are left percent-encoded or replaced"}

    def check(self, module: Module) -> Iterator[Hit]:
        yield from super().check(module)
        for cls in module.classes:
            if not WRAPPERS.intersection(base_names(module, cls)):
                continue
            for stmt in cls.body:
                if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                    for target in targets:
                        if isinstance(target, ast.Name) and target.id in ATTRIBUTES:
                            yield hit(stmt, f"{cls.name}.{target.id}", "nothing: request and response data are always UTF-8")


RULE = WerkzeugCharset()
