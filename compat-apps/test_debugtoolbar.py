"""Flask-DebugToolbar: the toolbar is injected into HTML responses in debug mode."""

REQUIRES = ["flask-debugtoolbar"]

import pytest
from flask import Flask
from flask_debugtoolbar import DebugToolbarExtension


def make_app(debug):
    app = Flask(__name__)
    app.debug = debug
    app.config.update(SECRET_KEY="test", DEBUG_TB_INTERCEPT_REDIRECTS=False)
    DebugToolbarExtension(app)

    @app.route("/")
    def index():
        return "<html><head><title>t</title></head><body><p>hello</p></body></html>"

    @app.route("/api")
    def api():
        return {"ok": True}

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


def test_no_toolbar_without_debug():
    html = make_app(debug=False).test_client().get("/").get_data(as_text=True)
    assert "flDebug" not in html
