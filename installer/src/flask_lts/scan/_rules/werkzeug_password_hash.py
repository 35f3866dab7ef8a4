"""Werkzeug 2.3 deprecated plain hash methods (only pbkdf2 and scrypt remain) and 3.0
removed them; 3.0 also makes scrypt the default, whose hashes are longer (about 160
characters: a String(128) column truncates them)."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module

CALLABLES = ("werkzeug.security.generate_password_hash", "werkzeug.generate_password_hash")


class WerkzeugPasswordHash(Rule):
    id = "werkzeug-password-hash"
    package = "werkzeug"
    deprecated = "2.3.0"
    since = "3.0.0"
    summary = "generate_password_hash: plain methods removed, scrypt by default"
    triggers = ("generate_password_hash",)

    def check(self, module: Module) -> Iterator[Hit]:
        for call in module.calls:
            if module.qualname(call.func) not in CALLABLES:
                continue
            method = next((kw.value for kw in call.keywords if kw.arg == "method"), call.args[1] if len(call.args) > 1 else None)
            if method is None:
                yield hit(call, "generate_password_hash() without method= (scrypt by default now, hashes of ~160 characters)",
                          'a password column of at least 256 characters, or method="pbkdf2"', kind=CHANGED)  # fmt: skip
            elif isinstance(method, ast.Constant) and isinstance(method.value, str) and not method.value.startswith(("pbkdf2", "scrypt")):
                yield hit(call, f"generate_password_hash(method={method.value!r})", 'method="scrypt" or "pbkdf2" (existing hashes still verify)')


RULE = WerkzeugPasswordHash()
