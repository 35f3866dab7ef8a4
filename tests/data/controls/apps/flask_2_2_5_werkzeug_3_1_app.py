# Control app for slug flask-2.2.5-werkzeug-3.1 (fixed by flask-2.2.5-werkzeug-3.0).
# Flask 2.2.5's FlaskClient builds its User-Agent from werkzeug.__version__, which
# Werkzeug 3.0 deprecated and 3.1.0 removed: imports pass, app.test_client() raises.
REQUIRES = ["flask"]

from flask import Flask, jsonify, session


def make_app():
    app = Flask(__name__)
    app.config.update(TESTING=True, SECRET_KEY="control")

    @app.route("/")
    def index():
        return "Hello"

    @app.route("/count")
    def count():
        session["n"] = session.get("n", 0) + 1
        return jsonify(n=session["n"])

    return app


def test_hello_through_test_client():
    response = make_app().test_client().get("/")
    assert response.status_code == 200
    assert response.data == b"Hello"


def test_cookie_session_through_test_client():
    client = make_app().test_client()
    assert client.get("/count").get_json() == {"n": 1}
    assert client.get("/count").get_json() == {"n": 2}
