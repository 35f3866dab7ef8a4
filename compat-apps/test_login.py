"""Flask-Login: log in and out through the test client; login_required guards a view."""

REQUIRES = ["flask-login"]

from urllib.parse import urlsplit

from flask import Flask, request
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user


class User(UserMixin):
    def __init__(self, id):
        self.id = id


USERS = {"alice": "wonderland"}


def make_app(login_view=None):
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", TESTING=True)
    manager = LoginManager(app)
    manager.login_view = login_view

    @manager.user_loader
    def load_user(user_id):
        return User(user_id) if user_id in USERS else None

    @app.route("/login", methods=["POST"])
    def login():
        name = request.form["name"]
        if USERS.get(name) != request.form["password"]:
            return "bad credentials", 403
        login_user(User(name), remember=request.form.get("remember") == "yes")
        return "ok"

    @app.route("/login", methods=["GET"])
    def login_page():
        return "please log in"

    @app.route("/logout", methods=["POST"])
    @login_required
    def logout():
        logout_user()
        return "bye"

    @app.route("/secret")
    @login_required
    def secret():
        return f"hello {current_user.id}"

    return app


def test_login_required_gives_401_without_login_view():
    client = make_app().test_client()
    assert client.get("/secret").status_code == 401


def test_login_required_redirects_to_login_view_with_next():
    client = make_app(login_view="login_page").test_client()
    resp = client.get("/secret")
    assert resp.status_code == 302
    # Flask-Login 0.6.2 broke on Werkzeug 3 exactly here (url_decode/url_encode).
    # relative since Werkzeug 2.1, absolute (http://localhost/login?...) before
    location = urlsplit(resp.headers["Location"])
    assert location.path == "/login" and location.query.startswith("next=")
    assert "secret" in location.query


def test_login_then_logout():
    client = make_app().test_client()
    assert client.post("/login", data={"name": "alice", "password": "nope"}).status_code == 403
    assert client.get("/secret").status_code == 401

    assert client.post("/login", data={"name": "alice", "password": "wonderland"}).status_code == 200
    resp = client.get("/secret")
    assert resp.status_code == 200
    assert resp.get_data(as_text=True) == "hello alice"

    assert client.post("/logout").get_data(as_text=True) == "bye"
    assert client.get("/secret").status_code == 401


def test_remember_me_cookie_restores_session():
    app = make_app()
    client = app.test_client()
    resp = client.post("/login", data={"name": "alice", "password": "wonderland", "remember": "yes"})
    # Read from the Set-Cookie header, as a browser does (Werkzeug's cookie helpers of
    # the test client changed in 2.3; the header did not).
    remember = [h.split(";")[0] for h in resp.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    assert len(remember) == 1 and remember[0] != "remember_token="

    # A fresh browser with only the remember cookie is logged back in.
    other = app.test_client(use_cookies=False)  # else its empty cookie jar replaces the header
    assert other.get("/secret", headers={"Cookie": remember[0]}).get_data(as_text=True) == "hello alice"
