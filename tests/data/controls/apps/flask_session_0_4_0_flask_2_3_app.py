# Control app for slug flask-session-0.4.0-flask-2.3 (fixed by flask-session-0.5.0-flask-2.3).
# Flask-Session 0.4.0 reads app.session_cookie_name inside every request; Flask 2.3.0
# removed that attribute, so imports pass and the first request raises AttributeError.
REQUIRES = ["flask", "flask-session"]

from flask import Flask, session
from flask_session import Session


def make_app(session_dir):
    app = Flask(__name__)
    app.config.update(
        TESTING=True,
        SECRET_KEY="control",
        SESSION_TYPE="filesystem",
        SESSION_FILE_DIR=str(session_dir),
    )
    Session(app)

    @app.route("/set/<value>")
    def set_value(value):
        session["value"] = value
        return "stored"

    @app.route("/get")
    def get_value():
        return session.get("value", "missing")

    return app


def test_server_side_session_roundtrip(tmp_path):
    client = make_app(tmp_path).test_client()
    assert client.get("/set/hello").data == b"stored"
    assert client.get("/get").data == b"hello"
