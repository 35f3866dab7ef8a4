"""Flask-Talisman: security headers, HTTPS redirect and HSTS."""

REQUIRES = ["flask-talisman"]

import pytest
from flask import Flask
from flask_talisman import Talisman


def make_app(**options):
    app = Flask(__name__)
    Talisman(app, **options)

    @app.route("/")
    def index():
        return "<p>hi</p>"

    return app


def test_headers_without_https_forcing():
    resp = make_app(force_https=False).test_client().get("/")
    assert resp.status_code == 200
    csp = [d.strip() for d in resp.headers["Content-Security-Policy"].split(";")]
    assert "default-src 'self'" in csp
    assert resp.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    # HSTS is only sent over HTTPS.
    assert "Strict-Transport-Security" not in resp.headers


def test_https_redirect_and_hsts():
    client = make_app().test_client()
    resp = client.get("/")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("https://localhost/")

    resp = client.get("/", base_url="https://localhost")
    assert resp.status_code == 200
    hsts = resp.headers["Strict-Transport-Security"]
    assert hsts.startswith("max-age=") and int(hsts.split(";")[0].split("=")[1]) >= 31536000


def test_custom_csp_and_nonce():
    app = make_app(
        force_https=False,
        content_security_policy={"default-src": "'self'", "script-src": "'self'"},
        content_security_policy_nonce_in=["script-src"],
        frame_options="DENY",
    )

    @app.route("/nonce")
    def nonce():
        from flask import render_template_string
        return render_template_string("<script nonce=\"{{ csp_nonce() }}\"></script>")

    resp = app.test_client().get("/nonce")
    nonce = resp.get_data(as_text=True).split('nonce="')[1].split('"')[0]
    assert nonce
    assert f"'nonce-{nonce}'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Frame-Options"] == "DENY"
