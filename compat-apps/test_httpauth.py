"""Flask-HTTPAuth: Basic and Bearer-token auth with good and bad credentials."""

REQUIRES = ["flask-httpauth>=4.0"]  # current_user() and get_user_roles (login_required(role=...)): 4.0

import base64

import pytest
from flask import Flask
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
        if username in USERS and check_password_hash(USERS[username], password):
            return username

    @token.verify_token
    def verify_token(value):
        return TOKENS.get(value)

    @basic.get_user_roles
    def roles(user):
        return ["admin"] if user == "alice" else []

    @app.route("/basic")
    @basic.login_required
    def basic_view():
        return f"basic {basic.current_user()}"

    @app.route("/admin")
    @basic.login_required(role="admin")
    def admin_view():
        return "admin"

    @app.route("/token")
    @token.login_required
    def token_view():
        return f"token {token.current_user()}"

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


def test_basic_roles(client):
    assert client.get("/admin", headers=basic_header("alice", "secret")).status_code == 200


def test_token_good_and_bad(client):
    resp = client.get("/token", headers={"Authorization": "Bearer tok-123"})
    assert resp.status_code == 200 and resp.get_data(as_text=True) == "token bob"

    resp = client.get("/token", headers={"Authorization": "Bearer nope"})
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer realm=")

    assert client.get("/token", headers={"Authorization": "Basic tok-123"}).status_code == 401
    assert client.get("/token").status_code == 401
