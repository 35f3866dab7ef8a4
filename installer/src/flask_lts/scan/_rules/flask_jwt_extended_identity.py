"""Flask-JWT-Extended 4.7.0 requires the identity (the JWT `sub` claim) to be a string:
with PyJWT >= 2.10, a token made from an int or a dict identity is rejected when it is
decoded ("Subject must be a string", 422). Source: the 4.7.4 sdist's docstring of
create_access_token ("This must either be a string, or you must have defined
user_identity_loader"), PR #558 (4.7.0) and JWT_VERIFY_SUB (4.7.1, PR #562) to accept
old tokens."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, dotted, hit
from .._source import Module

CALLS = ("create_access_token", "create_refresh_token")
INSTEAD = "identity=str(user.id) (and int(get_jwt_identity()) where read), or a user_identity_loader returning a str; JWT_VERIFY_SUB = False accepts old tokens"


def _not_a_string(node: ast.AST) -> str:
    """Why `node` is surely or probably not a str ("" when it may well be one)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return "a number"
    if isinstance(node, (ast.Dict, ast.List, ast.Tuple, ast.DictComp)):
        return "a " + type(node).__name__.lower().replace("comp", "")
    name = dotted(node).split(".")[-1]
    if name == "id" or name.endswith("_id"):
        return f"{dotted(node)} (an id, usually an int)"
    return ""


class FlaskJWTExtendedIdentity(Rule):
    id = "flask-jwt-extended-identity"
    package = "flask-jwt-extended"
    since = "4.7.0"
    kind = CHANGED
    summary = "the identity (sub claim) must be a string: int or dict identities are rejected when decoded"
    triggers = CALLS

    def check(self, module: Module) -> Iterator[Hit]:
        if "user_identity_loader" in module.source or "JWT_VERIFY_SUB" in module.source:
            return  # the loader decides what goes in sub; the option turns the check off
        for call in module.calls:
            if dotted(call.func).split(".")[-1] not in CALLS:
                continue
            identity = next((k.value for k in call.keywords if k.arg == "identity"), call.args[0] if call.args else None)
            why = _not_a_string(identity) if identity is not None else ""
            if why:
                yield hit(call, f"{dotted(call.func)}(identity=...) with {why}", INSTEAD)


RULE = FlaskJWTExtendedIdentity()
