"""Flask-Compress: gzip when the client accepts it and the body is large enough."""

REQUIRES = ["flask-compress"]

import gzip

import pytest
from flask import Flask, jsonify
from flask_compress import Compress

BIG = "<p>" + "lorem ipsum dolor sit amet " * 200 + "</p>"


@pytest.fixture
def client():
    app = Flask(__name__)
    Compress(app)

    @app.route("/big")
    def big():
        return BIG

    @app.route("/small")
    def small():
        return "<p>tiny</p>"

    @app.route("/json")
    def json_view():
        return jsonify({"items": list(range(500))})

    return app.test_client()


def test_gzip_large_body(client):
    resp = client.get("/big", headers={"Accept-Encoding": "gzip"})
    assert resp.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in resp.headers["Vary"]
    assert int(resp.headers["Content-Length"]) < len(BIG)
    assert gzip.decompress(resp.data).decode() == BIG


def test_json_is_compressed(client):
    resp = client.get("/json", headers={"Accept-Encoding": "gzip"})
    assert resp.headers["Content-Encoding"] == "gzip"
    assert b'"items"' in gzip.decompress(resp.data)


def test_not_compressed_when_small_or_not_accepted(client):
    assert "Content-Encoding" not in client.get("/small", headers={"Accept-Encoding": "gzip"}).headers
    resp = client.get("/big")
    assert "Content-Encoding" not in resp.headers
    assert resp.get_data(as_text=True) == BIG
