# Control app for the Flask-Login pairs: flask-login-0.6.2-werkzeug-3.0 / flask-login-0.6.3-werkzeug-3.0
# and flask-login-0.5.0-werkzeug-2.1 / flask-login-0.6.0-werkzeug-2.1. The broken sets already fail
# at the imports stage (this module then fails at collection); the fixed twins must pass it.
REQUIRES = ["flask", "flask-login"]

from flask import Flask
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user


class User(UserMixin):
    def __init__(self, user_id):
        self.id = user_id


def make_app():
    app = Flask(__name__)
    app.config.update(TESTING=True, SECRET_KEY="control")
    manager = LoginManager(app)
    manager.login_view = "login"

    @manager.user_loader
    def load_user(user_id):
        return User(user_id) if user_id == "ada" else None

    @app.route("/login")
    def login():
        login_user(User("ada"), remember=True)
        return "logged in"

    @app.route("/logout")
    def logout():
        logout_user()
        return "logged out"

    @app.route("/me")
    @login_required
    def me():
        return current_user.id

    return app


def test_login_session_and_logout():
    client = make_app().test_client()
    first = client.get("/me")
    assert first.status_code == 302
    assert "/login" in first.headers["Location"]
    assert client.get("/login").data == b"logged in"
    assert client.get("/me").data == b"ada"
    assert client.get("/logout").data == b"logged out"
    assert client.get("/me").status_code == 302
