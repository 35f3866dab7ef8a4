"""Flask-Session 0.4 (the 2022 channel): a server-side session in files under tmp_path."""

REQUIRES = ["flask-session<0.6", "werkzeug<2.3"]  # SESSION_TYPE = "filesystem"; the test client's cookie_jar: < 2.3
VARIANT_OF = "test_session.py"  # the same app, written the way Flask-Session 0.4's docs show

import pytest
from flask import Flask, session
from flask_session import Session


@pytest.fixture
def app(tmp_path):
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="test",
        SESSION_TYPE="filesystem",
        SESSION_FILE_DIR=str(tmp_path / "sessions"),
        SESSION_FILE_THRESHOLD=500,
        SESSION_PERMANENT=False,
    )
    Session(app)

    @app.get("/set/<value>")
    def set_value(value):
        session["cart"] = session.get("cart", []) + [value]
        return "ok"

    @app.get("/get")
    def get_value():
        return {"cart": session.get("cart", [])}

    @app.get("/clear")
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
    cookie = next(c for c in client.cookie_jar if c.name == "session")
    assert "apple" not in cookie.value
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
    old = next(c for c in client.cookie_jar if c.name == "session").value
    client.get("/clear")
    thief = app.test_client()
    thief.set_cookie("localhost", "session", old)
    assert thief.get("/get").get_json() == {"cart": []}
