"""Flask-CORS: headers on a simple cross-origin GET and on a preflight OPTIONS."""

REQUIRES = ["flask-cors"]

import pytest
from flask import Flask, jsonify
from flask_cors import CORS, cross_origin

ALLOWED = "https://app.example.test"
ALSO_ALLOWED = "https://admin.example.test"


@pytest.fixture
def client():
    app = Flask(__name__)
    CORS(app, resources={r"/api/*": {"origins": [ALLOWED, ALSO_ALLOWED], "methods": ["GET", "PUT"]}})

    @app.route("/api/items", methods=["GET", "PUT"])
    def items():
        return jsonify({"items": [1, 2]})

    @app.route("/private")
    def private():
        return "no cors here"

    @app.route("/open")
    @cross_origin()
    def open_view():
        return "anyone"

    return app.test_client()


def test_simple_get_from_allowed_origin(client):
    resp = client.get("/api/items", headers={"Origin": ALLOWED})
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == ALLOWED
    # With several allowed origins the answer depends on Origin, so shared caches must be told.
    assert "Origin" in resp.headers.get("Vary", "")
    other = client.get("/api/items", headers={"Origin": ALSO_ALLOWED})
    assert other.headers["Access-Control-Allow-Origin"] == ALSO_ALLOWED


def test_disallowed_origin_gets_no_cors_header(client):
    resp = client.get("/api/items", headers={"Origin": "https://evil.example.test"})
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_resource_outside_pattern_gets_no_cors_header(client):
    resp = client.get("/private", headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_preflight(client):
    resp = client.options(
        "/api/items",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "PUT" in resp.headers["Access-Control-Allow-Methods"]
    assert "content-type" in resp.headers["Access-Control-Allow-Headers"].lower()


def test_cross_origin_decorator_allows_any(client):
    resp = client.get("/open", headers={"Origin": "https://whoever.example.test"})
    # Either form lets the browser read the response; versions differ in which they send.
    assert resp.headers["Access-Control-Allow-Origin"] in ("*", "https://whoever.example.test")
