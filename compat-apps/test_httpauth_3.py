"""Flask-HTTPAuth 3.x: Basic and Bearer-token auth with good and bad credentials."""

REQUIRES = ["flask-httpauth<4.0"]  # verify callbacks return True/False, basic.username(); no roles before 4.0
VARIANT_OF = "test_httpauth.py"  # the same app, written the way Flask-HTTPAuth 3.x's docs show

import base64

import pytest
from flask import Flask, g
from flask_httpauth import HTTPBasicAuth, HTTPTokenAuth
from werkzeug.security import check_password_hash, generate_password_hash

USERS = {"alice": generate_password_hash("secret")}
TOKENS = {"tok-123": "bob"}


@pytest.fixture
def client():
    app = Flask(__name__)
    basic = HTTPBasicAuth()
    token = HTTPTokenAuth(scheme="Bearer")

    @basic.verify_password
    def verify_password(username, password):
        return username in USERS and check_password_hash(USERS[username], password)

    @token.verify_token
    def verify_token(value):
        g.token_user = TOKENS.get(value)
        return g.token_user is not None

    @app.route("/basic")
    @basic.login_required
    def basic_view():
        return f"basic {basic.username()}"

    @app.route("/token")
    @token.login_required
    def token_view():
        return f"token {g.token_user}"

    return app.test_client()


def basic_header(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_basic_good_and_bad(client):
    resp = client.get("/basic", headers=basic_header("alice", "secret"))
    assert resp.status_code == 200 and resp.get_data(as_text=True) == "basic alice"

    resp = client.get("/basic", headers=basic_header("alice", "wrong"))
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Basic realm=")

    assert client.get("/basic").status_code == 401


def test_token_good_and_bad(client):
    resp = client.get("/token", headers={"Authorization": "Bearer tok-123"})
    assert resp.status_code == 200 and resp.get_data(as_text=True) == "token bob"

    resp = client.get("/token", headers={"Authorization": "Bearer nope"})
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer realm=")

    assert client.get("/token", headers={"Authorization": "Basic tok-123"}).status_code == 401
    assert client.get("/token").status_code == 401
