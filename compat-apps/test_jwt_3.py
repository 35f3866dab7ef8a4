"""Flask-JWT-Extended 3.x: log a user in by id; jwt_required rejects without a token
and accepts with it; the user is loaded from the token."""

REQUIRES = ["flask-jwt-extended<4.0"]  # @jwt_required, jwt_refresh_token_required, user_claims_loader: 3.x
VARIANT_OF = "test_jwt.py"  # the same app, written the way Flask-JWT-Extended 3.x's docs show

import pytest
from flask import Flask, jsonify, request
from flask_jwt_extended import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    current_user,
    get_jwt_claims,
    get_jwt_identity,
    jwt_refresh_token_required,
    jwt_required,
)


class User:
    def __init__(self, id, username, password, role):
        self.id, self.username, self.password, self.role = id, username, password, role


USERS = [User(1, "ann", "pw", "editor"), User(2, "bob", "pw2", "viewer")]


@pytest.fixture
def client():
    app = Flask(__name__)
    # 32+ bytes: shorter HMAC keys are rejected or warned about by newer PyJWT.
    app.config["JWT_SECRET_KEY"] = "a-test-secret-that-is-long-enough-for-hs256"
    jwt = JWTManager(app)

    @jwt.user_claims_loader  # the 3.x docs' way to add claims (create_access_token(user_claims=) is not in 3.15)
    def add_claims(identity):
        return {"role": next(u.role for u in USERS if u.id == identity)}

    # The docs' automatic user loading: the token's identity is the user's id.
    @jwt.user_loader_callback_loader
    def user_loader_callback(identity):
        return next((u for u in USERS if u.id == identity), None)

    @app.route("/login", methods=["POST"])
    def login():
        user = next((u for u in USERS if u.username == request.json.get("username")), None)
        if user is None or user.password != request.json.get("password"):
            return jsonify({"msg": "bad credentials"}), 401
        # "The identity of this token, which can be any data that is json serializable." (3.x)
        return jsonify({
            "access_token": create_access_token(identity=user.id),
            "refresh_token": create_refresh_token(identity=user.id),
        })

    @app.route("/protected")
    @jwt_required
    def protected():
        return jsonify(user=get_jwt_identity(), username=current_user.username, role=get_jwt_claims().get("role"))

    @app.route("/refresh", methods=["POST"])
    @jwt_refresh_token_required
    def refresh():
        return jsonify({"access_token": create_access_token(identity=get_jwt_identity())})

    return app.test_client()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_rejects_without_token(client):
    resp = client.get("/protected")
    assert resp.status_code == 401
    assert resp.get_json() == {"msg": "Missing Authorization Header"}


def test_rejects_forged_token(client):
    assert client.get("/protected", headers=bearer("not.a.jwt")).status_code == 422
    assert client.post("/login", json={"username": "ann", "password": "no"}).status_code == 401


def test_accepts_issued_token(client):
    tokens = client.post("/login", json={"username": "ann", "password": "pw"}).get_json()
    resp = client.get("/protected", headers=bearer(tokens["access_token"]))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json() == {"user": 1, "username": "ann", "role": "editor"}

    # A refresh token is not an access token, and vice versa.
    assert client.get("/protected", headers=bearer(tokens["refresh_token"])).status_code == 422
    assert client.post("/refresh", headers=bearer(tokens["access_token"])).status_code == 422
    resp = client.post("/refresh", headers=bearer(tokens["refresh_token"]))
    assert resp.status_code == 200, resp.get_json()
    new = resp.get_json()["access_token"]
    resp = client.get("/protected", headers=bearer(new))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["username"] == "ann"


def test_each_user_gets_their_own_identity(client):
    token = client.post("/login", json={"username": "bob", "password": "pw2"}).get_json()["access_token"]
    resp = client.get("/protected", headers=bearer(token))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json() == {"user": 2, "username": "bob", "role": "viewer"}


def test_tampered_token_is_rejected(client):
    token = client.post("/login", json={"username": "ann", "password": "pw"}).get_json()["access_token"]
    header, payload, signature = token.split(".")
    tampered = ".".join([header, payload, signature[:-4] + ("AAAA" if not signature.endswith("AAAA") else "BBBB")])
    assert client.get("/protected", headers=bearer(tampered)).status_code == 422
