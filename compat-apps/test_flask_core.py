"""Flask itself, configured the way real apps are: an application factory, a blueprint,
config from environment variables and from a file in the instance folder, sessions,
templates, JSON, redirects, error handlers, a file download, streaming, a CLI command, and
the `flask` command run for real (`flask routes`, and `flask run` serving 127.0.0.1).

Every set gets this app (it needs nothing but Flask), so a set that breaks Flask's own
features, its test client or its CLI is caught even when no extension app applies.
Written to run unchanged on Flask 1.0 to 3.1: only the API all of them share (on Flask 1.0.2,
with Flask-Login 0.4.1 on Python 3.8, 11 passed)."""

REQUIRES = ["flask>=1.0"]  # Flask 1.0: test client json=, Response.get_json; 1.0.x needs the harness.toml rule

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from flask import (
    Blueprint, Flask, Response, abort, current_app, flash, get_flashed_messages, jsonify, redirect,
    render_template_string, request, send_from_directory, session, stream_with_context, url_for,
)  # fmt: skip

HERE = Path(__file__).resolve().parent


def create_app(test_config=None):
    """The factory `flask` finds by name (FLASK_APP=test_flask_core)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(SECRET_KEY="dev", GREETING="hello", DOWNLOADS=str(HERE / "downloads"))
    app.config.from_pyfile("settings.cfg", silent=True)  # the instance folder's file, if any
    if os.environ.get("CORE_APP_GREETING"):  # config from the environment, as deployments do
        app.config["GREETING"] = os.environ["CORE_APP_GREETING"]
    if test_config:
        app.config.update(test_config)

    pages = Blueprint("pages", __name__, url_prefix="/pages")

    @pages.route("/<name>")
    def page(name):
        if name == "secret":
            abort(403)
        return render_template_string("<h1>{{ title }}</h1><p>{{ body }}</p>", title=name, body=request.args.get("body", ""))

    app.register_blueprint(pages)

    @app.before_request
    def count_requests():
        session["seen"] = session.get("seen", 0) + 1

    @app.route("/")
    def index():
        return "%s, visit %d" % (current_app.config["GREETING"], session["seen"])

    @app.route("/login", methods=["POST"])
    def login():
        session["user"] = request.form["user"]
        flash("welcome %s" % request.form["user"])
        return redirect(url_for("whoami"))

    @app.route("/whoami")
    def whoami():
        return jsonify(user=session.get("user"), messages=get_flashed_messages())

    @app.route("/api/items", methods=["POST"])
    def create_item():
        data = request.get_json()
        if not data or "name" not in data:
            return jsonify(error="name is required"), 400
        return jsonify(id=1, name=data["name"], tags=sorted(data.get("tags", []))), 201

    @app.route("/download/<path:filename>")
    def download(filename):
        return send_from_directory(app.config["DOWNLOADS"], filename)

    @app.route("/stream")
    def stream():
        def generate():
            for n in range(3):
                yield "%s-%d;" % (request.args.get("prefix", "n"), n)

        return Response(stream_with_context(generate()), mimetype="text/plain")

    @app.errorhandler(403)
    def forbidden(error):
        return jsonify(error="forbidden"), 403

    @app.errorhandler(404)
    def not_found(error):
        return "nothing at %s" % request.path, 404

    @app.cli.command("greet")
    def greet():
        """Print the configured greeting."""
        print(current_app.config["GREETING"] + " from the cli")

    return app


@pytest.fixture
def app(tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / "report.txt").write_text("quarterly numbers\n")
    return create_app({"TESTING": True, "DOWNLOADS": str(downloads)})


def test_session_counts_visits_across_requests(app):
    client = app.test_client()
    assert client.get("/").data == b"hello, visit 1"
    assert client.get("/").data == b"hello, visit 2"
    assert app.test_client().get("/").data == b"hello, visit 1"  # a new client, a new session


def test_login_redirects_and_flashes(app):
    client = app.test_client()
    rv = client.post("/login", data={"user": "ada"})
    assert rv.status_code == 302 and rv.headers["Location"].endswith("/whoami")
    client = app.test_client()
    rv = client.post("/login", data={"user": "ada"}, follow_redirects=True)
    assert rv.get_json() == {"user": "ada", "messages": ["welcome ada"]}
    assert client.get("/whoami").get_json()["messages"] == []  # flashed once


def test_session_transaction_seeds_the_session_for_a_request(app):
    # The testing docs' way to log a user in for a test without the login route: set a value
    # in the session, then make the request that reads it; and to look at what it left.
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["user"] = "grace"
    assert client.get("/whoami").get_json() == {"user": "grace", "messages": []}
    with client.session_transaction() as sess:
        assert sess["user"] == "grace" and sess["seen"] == 1


def test_json_api_validates_and_creates(app):
    client = app.test_client()
    rv = client.post("/api/items", json={"name": "pen", "tags": ["b", "a"]})
    assert rv.status_code == 201 and rv.get_json() == {"id": 1, "name": "pen", "tags": ["a", "b"]}
    assert rv.headers["Content-Type"].startswith("application/json")
    assert client.post("/api/items", json={}).status_code == 400


def test_blueprint_templates_escape_and_handlers(app):
    client = app.test_client()
    rv = client.get("/pages/news?body=<script>x</script>")
    assert rv.status_code == 200 and b"&lt;script&gt;" in rv.data and b"<script>" not in rv.data
    assert client.get("/pages/secret").get_json() == {"error": "forbidden"}
    rv = client.get("/missing")
    assert rv.status_code == 404 and rv.data == b"nothing at /missing"
    with app.test_request_context():
        assert url_for("pages.page", name="a b") == "/pages/a%20b"


def test_download_and_traversal(app):
    client = app.test_client()
    rv = client.get("/download/report.txt")
    assert rv.status_code == 200 and rv.data == b"quarterly numbers\n"
    rv.close()
    assert client.get("/download/../../etc/passwd").status_code == 404


def test_streaming_keeps_the_request_context(app):
    rv = app.test_client().get("/stream?prefix=p")
    assert rv.data == b"p-0;p-1;p-2;"


def test_config_from_the_instance_folder_and_the_environment(monkeypatch, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "settings.cfg").write_text("GREETING = 'bonjour'\n")
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True)
    assert app.config.from_pyfile("settings.cfg") and app.config["GREETING"] == "bonjour"
    monkeypatch.setenv("CORE_APP_GREETING", "hola")
    assert create_app({"TESTING": True}).test_client().get("/").data == b"hola, visit 1"


def test_cli_command_through_the_test_runner(app):
    result = app.test_cli_runner().invoke(args=["greet"])
    assert result.exit_code == 0, result.output
    assert "hello from the cli" in result.output


def _flask(*args, **kwargs):
    """The `flask` command of the environment under test, as users run it."""
    env = {**os.environ, "FLASK_APP": "test_flask_core", "FLASK_DEBUG": "0", "CORE_APP_GREETING": "from env"}
    return subprocess.Popen([sys.executable, "-m", "flask", *args], cwd=str(HERE), env=env, **kwargs)


def test_flask_command_lists_routes_and_runs_commands():
    out, _ = _flask("routes", stdout=subprocess.PIPE, stderr=subprocess.STDOUT).communicate(timeout=60)
    text = out.decode()
    assert "pages.page" in text and "/api/items" in text, text
    out, _ = _flask("greet", stdout=subprocess.PIPE, stderr=subprocess.STDOUT).communicate(timeout=60)
    assert "from env from the cli" in out.decode(), out.decode()


def test_flask_run_serves_on_localhost():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = _flask("run", "--host", "127.0.0.1", "--port", str(port), "--no-reload", stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body, deadline = None, time.monotonic() + 30
        while body is None and time.monotonic() < deadline and server.poll() is None:
            try:
                body = urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=2).read()
            except OSError:
                time.sleep(0.2)
        if body is None:
            server.kill()
            pytest.fail("flask run did not serve: " + server.communicate(timeout=10)[0].decode()[-2000:])
        assert body == b"from env, visit 1"
    finally:
        server.terminate()
        server.wait(timeout=10)
