"""Flask 2.3 removed the JSON encoder classes and the app's json_encoder/json_decoder
(deprecated in 2.2): JSON goes through the app's JSON provider, `app.json`."""

from __future__ import annotations

from typing import Iterator

from .._rule import Hit, Moved, MovedNames, hit
from .._source import Module

PROVIDER = "a flask.json.provider.DefaultJSONProvider subclass set as app.json_provider_class (or app.json = Provider(app))"


class FlaskJSONEncoder(MovedNames):
    id = "flask-json-encoder"
    package = "flask"
    since = "2.3.0"
    summary = "flask.json.JSONEncoder/JSONDecoder, htmlsafe_dumps and app.json_encoder/json_decoder are gone"
    triggers = ("JSONEncoder", "JSONDecoder", "json_encoder", "json_decoder", "htmlsafe_dump")
    names = {
        "flask.json.JSONEncoder": Moved("", PROVIDER),
        "flask.json.JSONDecoder": Moved("", PROVIDER),
        "flask.json.htmlsafe_dumps": Moved("", "the |tojson template filter or markupsafe.Markup(flask.json.dumps(...))"),
        "flask.json.htmlsafe_dump": Moved("", "the |tojson template filter"),
    }

    def check(self, module: Module) -> Iterator[Hit]:
        yield from super().check(module)
        for attr in ("json_encoder", "json_decoder"):
            for node in module.attributes.get(attr, ()):
                yield hit(node, f"{module.segment(node)}", PROVIDER)


RULE = FlaskJSONEncoder()
