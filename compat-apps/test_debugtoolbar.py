"""Flask-DebugToolbar: the toolbar is injected into HTML responses in debug mode, and it
intercepts redirects there (DEBUG_TB_INTERCEPT_REDIRECTS, on by default)."""

REQUIRES = ["flask-debugtoolbar"]

import re

import pytest
from flask import Flask, jsonify, redirect, url_for
from flask_debugtoolbar import DebugToolbarExtension


def make_app(debug, **config):
    # The docs' set-up: debug mode, a secret key, DebugToolbarExtension(app); the rest default.
    app = Flask(__name__)
    app.debug = debug
    app.config.update(SECRET_KEY="test", **config)
    DebugToolbarExtension(app)

    @app.route("/")
    def index():
        return "<html><head><title>t</title></head><body><p>hello</p></body></html>"

    @app.route("/api")
    def api():
        return jsonify({"ok": True})

    @app.route("/login", methods=["POST"])
    def login():
        return redirect(url_for("index"))

    return app


def test_toolbar_injected_in_debug():
    client = make_app(debug=True).test_client()
    html = client.get("/").get_data(as_text=True)
    assert "<p>hello</p>" in html
    assert 'id="flDebug"' in html
    assert "flDebugToolbar" in html
    # The toolbar's own static files are served by its blueprint.
    assert client.get("/_debug_toolbar/static/css/toolbar.css").status_code == 200


def test_json_untouched():
    client = make_app(debug=True).test_client()
    assert client.get("/api").get_json() == {"ok": True}


def test_redirect_intercepted_in_debug():
    # The default: a redirect is answered with a page that links to its target, with the
    # toolbar of the request that redirected.
    client = make_app(debug=True).test_client()
    resp = client.post("/login")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Redirect (302)" in html
    assert re.search(r'<a href="(http://localhost)?/">', html), html
    assert 'id="flDebug"' in html
    assert "hello" in client.get("/").get_data(as_text=True)  # following the link


def test_redirect_not_intercepted_when_turned_off():
    resp = make_app(debug=True, DEBUG_TB_INTERCEPT_REDIRECTS=False).test_client().post("/login")
    assert resp.status_code == 302
    assert re.match(r"(http://localhost)?/$", resp.headers["Location"])


def test_no_toolbar_without_debug():
    client = make_app(debug=False).test_client()
    html = client.get("/").get_data(as_text=True)
    assert "flDebug" not in html
    assert client.post("/login").status_code == 302
