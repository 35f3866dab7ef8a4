"""Flask-Caching with SimpleCache: a cached view is computed once."""

REQUIRES = ["flask-caching>=1.10"]  # CACHE_TYPE = "SimpleCache", the backend class names: 1.10

import pytest
from flask import Flask
from flask_caching import Cache


@pytest.fixture
def app():
    app = Flask(__name__)
    app.config.update(CACHE_TYPE="SimpleCache", CACHE_DEFAULT_TIMEOUT=300)
    cache = Cache(app)
    app.calls = {"view": 0, "memo": 0}

    @app.route("/counter")
    @cache.cached(timeout=60)
    def counter():
        app.calls["view"] += 1
        return str(app.calls["view"])

    @cache.memoize(timeout=60)
    def square(n):
        app.calls["memo"] += 1
        return n * n

    @app.route("/square/<int:n>")
    def square_view(n):
        return str(square(n))

    app.cache = cache
    app.square = square
    return app


def test_cached_view_computed_once(app):
    client = app.test_client()
    assert client.get("/counter").get_data(as_text=True) == "1"
    assert client.get("/counter").get_data(as_text=True) == "1"
    assert app.calls["view"] == 1

    with app.app_context():
        app.cache.clear()
    assert client.get("/counter").get_data(as_text=True) == "2"


def test_memoize_per_argument(app):
    client = app.test_client()
    assert client.get("/square/3").get_data(as_text=True) == "9"
    assert client.get("/square/3").get_data(as_text=True) == "9"
    assert client.get("/square/4").get_data(as_text=True) == "16"
    assert app.calls["memo"] == 2

    with app.app_context():
        app.cache.delete_memoized(app.square, 3)
    client.get("/square/3")
    assert app.calls["memo"] == 3


def test_cache_get_set(app):
    with app.app_context():
        app.cache.set("k", {"a": 1})
        assert app.cache.get("k") == {"a": 1}
        assert app.cache.get("missing") is None
