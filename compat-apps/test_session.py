"""Flask-Session: a server-side session in a cachelib FileSystemCache under tmp_path."""

REQUIRES = ["flask-session>=0.7", "cachelib"]  # SESSION_TYPE = "cachelib": 0.7 (0.6.0 falls back to a null session); cachelib is imported

import pytest
from cachelib.file import FileSystemCache
from flask import Flask, session
from flask_session import Session


@pytest.fixture
def app(tmp_path):
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="test",
        SESSION_TYPE="cachelib",
        SESSION_CACHELIB=FileSystemCache(cache_dir=str(tmp_path / "sessions"), threshold=500),
        SESSION_PERMANENT=False,
    )
    Session(app)

    @app.route("/set/<value>")
    def set_value(value):
        session["cart"] = session.get("cart", []) + [value]
        return "ok"

    @app.route("/get")
    def get_value():
        return {"cart": session.get("cart", [])}

    @app.route("/clear")
    def clear():
        session.clear()
        return "cleared"

    return app


def test_round_trip_across_requests(app, tmp_path):
    client = app.test_client()
    client.get("/set/apple")
    client.get("/set/pear")
    assert client.get("/get").get_json() == {"cart": ["apple", "pear"]}

    # The data lives on the server: the cookie is only an id, and the store has a file.
    cookie = client.get_cookie("session")
    assert cookie is not None and "apple" not in cookie.value
    assert any((tmp_path / "sessions").iterdir())


def test_sessions_are_separate_and_clearable(app):
    one, two = app.test_client(), app.test_client()
    one.get("/set/apple")
    assert two.get("/get").get_json() == {"cart": []}
    one.get("/clear")
    assert one.get("/get").get_json() == {"cart": []}


def test_stolen_id_after_clear_is_useless(app):
    client = app.test_client()
    client.get("/set/apple")
    old = client.get_cookie("session").value
    client.get("/clear")
    thief = app.test_client()
    thief.set_cookie("session", old)
    assert thief.get("/get").get_json() == {"cart": []}
