# Control app for slug flask-2.2.3-werkzeug-2.3 (fixed by flask-2.2.5-werkzeug-2.3).
# Flask 2.2.3's FlaskClient.session_transaction() calls self.cookie_jar.inject_wsgi();
# Werkzeug 2.3.0 replaced the cookie jar, so every test that pre-seeds a session (the
# way Flask-Login's docs log a user in for tests) fails at run time.
REQUIRES = ["flask"]

from flask import Flask, jsonify, session


def make_app():
    app = Flask(__name__)
    app.config.update(TESTING=True, SECRET_KEY="control")

    @app.route("/me")
    def me():
        user = session.get("_user_id")
        if user is None:
            return jsonify(error="anonymous"), 401
        return jsonify(user=user)

    return app


def test_plain_requests_work():
    client = make_app().test_client()
    assert client.get("/me").status_code == 401


def test_session_transaction_logs_a_user_in():
    client = make_app().test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = "ada"
    response = client.get("/me")
    assert response.status_code == 200
    assert response.get_json() == {"user": "ada"}
