"""itsdangerous 2.0 deprecated the JSON Web Signature serializers and
`itsdangerous.json`; 2.1 removed them."""

from __future__ import annotations

from .._rule import Moved, MovedNames

JWS = "itsdangerous.URLSafeTimedSerializer, or a JWT library (authlib, PyJWT)"


class ItsdangerousJWS(MovedNames):
    id = "itsdangerous-jws"
    package = "itsdangerous"
    since = "2.1.0"
    summary = "JSONWebSignatureSerializer, TimedJSONWebSignatureSerializer and itsdangerous.json are gone"
    names = {
        "itsdangerous.JSONWebSignatureSerializer": Moved("", JWS),
        "itsdangerous.TimedJSONWebSignatureSerializer": Moved("", JWS),
        "itsdangerous.jws.JSONWebSignatureSerializer": Moved("", JWS),
        "itsdangerous.jws.TimedJSONWebSignatureSerializer": Moved("", JWS),
        "itsdangerous.json": Moved("json"),
    }


RULE = ItsdangerousJWS()
