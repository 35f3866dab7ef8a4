"""Flask-Limiter 2.x (the 2022 channel) with in-memory storage: a limit that trips with 429."""

REQUIRES = ["flask-limiter<3.0"]  # Limiter(app, key_func=...) with the app first: 2.x
VARIANT_OF = "test_limiter.py"  # the same app, written the way Flask-Limiter 2.x's docs show

import pytest
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


@pytest.fixture
def client():
    app = Flask(__name__)
    limiter = Limiter(app, key_func=get_remote_address, storage_uri="memory://", headers_enabled=True)

    @app.route("/ping")
    @limiter.limit("2 per minute")
    def ping():
        return "pong"

    @app.route("/free")
    @limiter.exempt
    def free():
        return "free"

    return app.test_client()


def test_limit_trips(client):
    assert client.get("/ping").status_code == 200
    resp = client.get("/ping")
    assert resp.status_code == 200
    assert resp.headers["X-RateLimit-Limit"] == "2"
    assert resp.headers["X-RateLimit-Remaining"] == "0"

    resp = client.get("/ping")
    assert resp.status_code == 429
    assert "2 per 1 minute" in resp.get_data(as_text=True)
    assert int(resp.headers["Retry-After"]) > 0


def test_limit_is_per_client_address(client):
    for _ in range(2):
        client.get("/ping")
    assert client.get("/ping").status_code == 429
    other = client.get("/ping", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 200


def test_exempt_view(client):
    for _ in range(5):
        assert client.get("/free").status_code == 200
