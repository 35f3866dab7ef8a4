"""Flask-SocketIO 5.3.0 refuses to run on the Werkzeug development server outside debug
mode: `socketio.run(app)` raises RuntimeError unless `allow_unsafe_werkzeug=True` (or
eventlet/gevent serve it). Source: CHANGES.md, Release 5.3.0: "Do not allow Werkzeug to
be used in production by default #1814"."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module


class FlaskSocketIOUnsafeWerkzeug(Rule):
    id = "flask-socketio-unsafe-werkzeug"
    package = "flask-socketio"
    since = "5.3.0"
    kind = CHANGED
    summary = "socketio.run() on the Werkzeug server outside debug mode raises RuntimeError"
    triggers = ("flask_socketio",)

    def check(self, module: Module) -> Iterator[Hit]:
        made = {name for name, cls in module.instances.items() if cls.split(".")[-1] == "SocketIO"}
        for call in module.calls:
            func = call.func
            if not (isinstance(func, ast.Attribute) and func.attr == "run" and isinstance(func.value, ast.Name)):
                continue
            if func.value.id not in made and func.value.id not in ("socketio", "sio"):
                continue
            keywords = {k.arg: k.value for k in call.keywords}
            if "allow_unsafe_werkzeug" in keywords or None in keywords:
                continue
            debug = keywords.get("debug")
            if isinstance(debug, ast.Constant) and debug.value is True:
                continue
            yield hit(call, f"{func.value.id}.run(...) without allow_unsafe_werkzeug",
                      "a production server (eventlet, gevent, gunicorn), or allow_unsafe_werkzeug=True where Werkzeug is meant")  # fmt: skip


RULE = FlaskSocketIOUnsafeWerkzeug()
