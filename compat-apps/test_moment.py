"""Flask-Moment: the moment.js include and a moment(...).format(...) call in a template."""

REQUIRES = ["flask-moment"]

import re
from datetime import datetime

import pytest
from flask import Flask, render_template_string
from flask_moment import Moment

PAGE = """<html><head>{{ moment.include_moment() }}{{ moment.locale('de') }}</head>
<body><p>{{ moment(when).format('LLL') }}</p><p>{{ moment(when).fromNow(refresh=True) }}</p></body></html>"""


@pytest.fixture
def client():
    app = Flask(__name__)
    Moment(app)

    @app.route("/")
    def index():
        return render_template_string(PAGE, when=datetime(2024, 3, 5, 12, 30))

    @app.route("/local")
    def local():
        # Self-hosted moment.js instead of the CDN default.
        return render_template_string("{{ moment.include_moment(local_js='/static/moment.min.js') }}")

    return app.test_client()


def test_include_and_format(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script" in html and "moment" in html
    assert "flask_moment_render" in html  # the renderer that turns spans into text in the browser
    assert "moment.locale(\"de\")" in html or "moment.locale('de')" in html

    assert 'data-timestamp="2024-03-05T12:30:00Z"' in html
    # The call travels in the span: data-function and data-format since 0.10, one JavaScript
    # expression in data-format before (0.9: data-format="format('LLL')"): the app checks the call.
    assert re.search(r'data-function="format" data-format="LLL"|data-format="format\((\'|&#39;)LLL', html)
    assert re.search(r'data-function="fromNow"|data-format="fromNow\(0\)"', html)
    assert 'data-refresh="60000"' in html


def test_local_js(client):
    html = client.get("/local").get_data(as_text=True)
    assert 'src="/static/moment.min.js"' in html
    assert "cdn" not in html.lower()
