"""Flask-Session 0.3 to 0.6 (the 2022 channel): a server-side session in files under tmp_path."""

REQUIRES = ["flask-session<0.7"]  # SESSION_TYPE = "filesystem" (0.7 has "cachelib"): before 0.7
VARIANT_OF = "test_session.py"  # the same app, written the way Flask-Session 0.4's docs show

import pytest
from flask import Flask, jsonify, session
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

    @app.route("/set/<value>")
    def set_value(value):
        session["cart"] = session.get("cart", []) + [value]
        return "ok"

    @app.route("/get")
    def get_value():
        return jsonify({"cart": session.get("cart", [])})

    @app.route("/clear")
    def clear():
        session.clear()
        return "cleared"

    return app


def session_cookie(response):
    # From the Set-Cookie header, which every Werkzeug has (the test client's cookie_jar
    # went away in 2.3 and get_cookie came then): the app runs on either side of that change.
    for header in response.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        if name == "session":
            return rest.split(";", 1)[0]
    return None


def test_round_trip_across_requests(app, tmp_path):
    client = app.test_client()
    cookie = session_cookie(client.get("/set/apple"))
    client.get("/set/pear")
    assert client.get("/get").get_json() == {"cart": ["apple", "pear"]}

    # The data lives on the server: the cookie is only an id, and the store has a file.
    assert cookie and "apple" not in cookie
    assert any((tmp_path / "sessions").iterdir())


def test_sessions_are_separate_and_clearable(app):
    one, two = app.test_client(), app.test_client()
    one.get("/set/apple")
    assert two.get("/get").get_json() == {"cart": []}
    one.get("/clear")
    assert one.get("/get").get_json() == {"cart": []}


def test_stolen_id_after_clear_is_useless(app):
    client = app.test_client()
    old = session_cookie(client.get("/set/apple"))
    client.get("/clear")
    thief = app.test_client()
    assert thief.get("/get", headers={"Cookie": f"session={old}"}).get_json() == {"cart": []}
