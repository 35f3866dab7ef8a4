"""Flask 2.2 deprecated `_app_ctx_stack` and `_request_ctx_stack`; 2.3 removed their
push/pop, 3.0 removed them."""

from __future__ import annotations

from .._rule import Moved, MovedNames

APP = "flask.g for data, or flask.globals.app_ctx / current_app for the context"
REQUEST = "flask.g for data, or flask.globals.request_ctx / flask.request for the context"


class FlaskCtxStack(MovedNames):
    id = "flask-ctx-stack"
    package = "flask"
    deprecated = "2.3.0"
    since = "3.0.0"
    summary = "_app_ctx_stack and _request_ctx_stack are gone"
    triggers = ("_ctx_stack",)
    names = {
        "flask._app_ctx_stack": Moved("", APP),
        "flask.globals._app_ctx_stack": Moved("", APP),
        "flask._request_ctx_stack": Moved("", REQUEST),
        "flask.globals._request_ctx_stack": Moved("", REQUEST),
    }


RULE = FlaskCtxStack()
