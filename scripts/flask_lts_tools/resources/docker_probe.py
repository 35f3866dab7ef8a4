"""Run inside the derived test image of `make docker-test`, in a RUN step, as the image's
user (stdlib and the installed set only, Python 3.8+). Checks what a user of the image
would rely on after a plain `pip install <extensions>`:

- every installed package the channel pins is at its pin in /etc/flask-lts/constraints.txt,
  and every requested extension is installed;
- `flask-lts check --json` reports the environment clean (no drift, nothing outside the channel);
- every top-level module of every installed channel package imports;
- a real Flask app using several extensions serves requests through the test client.

Prints one line `FLASK_LTS_PROBE <json>` and exits 1 when any check failed, so the image
build fails with the evidence in its output.

usage: python docker_probe.py EXTENSION [EXTENSION ...]
"""

import importlib.metadata as metadata
import json
import os
import platform
import re
import subprocess
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import import_probe  # noqa: E402  (copied beside this file)

CONSTRAINTS = "/etc/flask-lts/constraints.txt"
MARKER = "FLASK_LTS_PROBE "


def _normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_class():
    try:
        from packaging.requirements import Requirement
    except ImportError:  # the set installs packaging; pip vendors it otherwise
        from pip._vendor.packaging.requirements import Requirement
    return Requirement


def read_pins(path):
    """normalized name -> pinned version, for the lines whose marker applies here."""
    requirement_class = _requirement_class()
    pins = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if not line or line.startswith("-"):
                continue
            req = requirement_class(line)
            if req.marker is not None and not req.marker.evaluate():
                continue
            (spec,) = req.specifier
            pins[_normalize(req.name)] = spec.version
    return pins


def installed():
    found = {}
    for dist in metadata.distributions(path=sys.path):
        name = dist.metadata["Name"]
        if name:
            found.setdefault(_normalize(name), (dist.version, str(dist.locate_file(""))))
    return found


def check_versions(requested, pins, have, failures):
    for name in requested:
        if _normalize(name) not in have:
            failures.append("%s: requested but not installed" % name)
    for name, (version, _where) in sorted(have.items()):
        if name in pins and version != pins[name]:
            failures.append("%s %s installed, the channel pins %s" % (name, version, pins[name]))


def run_check(failures):
    proc = subprocess.run(["flask-lts", "check", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        failures.append("flask-lts check --json: exit %d, no JSON: %s" % (proc.returncode, (proc.stderr or proc.stdout)[-500:]))
        return None
    summary = {
        "exit_code": proc.returncode,
        "drift": report.get("drift"),
        "outside_channel": report.get("outside_channel"),
        "matching": report.get("matching"),
        "channel": report.get("version"),
    }
    if proc.returncode != 0 or report.get("drift") or report.get("outside_channel"):
        failures.append("flask-lts check is not clean: %s" % json.dumps(summary))
    return summary


def import_everything(pins, have, failures):
    modules = warnings = 0
    for name in sorted(n for n in have if n in pins):
        dist = metadata.distribution(name)
        for module in import_probe.top_level_modules(dist):
            entry = import_probe.probe(module)
            modules += 1
            warnings += len(entry["warnings"])
            if not entry["ok"]:
                failures.append("import %s (%s): %s" % (module, name, entry["error"]))
    return {"modules": modules, "warnings": warnings}


def serve_requests(failures):
    """One app, several extensions, the way their docs show; requests through the test client."""
    from flask import Flask, jsonify, request
    from flask_babel import Babel, gettext
    from flask_caching import Cache
    from flask_cors import CORS
    from flask_httpauth import HTTPBasicAuth
    from flask_login import LoginManager, UserMixin, current_user, login_user
    from flask_sqlalchemy import SQLAlchemy
    from flask_wtf.csrf import CSRFProtect

    app = Flask("probe")
    app.config.update(SECRET_KEY="probe", SQLALCHEMY_DATABASE_URI="sqlite://", CACHE_TYPE="SimpleCache")
    db = SQLAlchemy(app)
    cache = Cache(app)
    CORS(app)
    CSRFProtect(app)
    Babel(app)
    auth = HTTPBasicAuth()
    login = LoginManager(app)

    class User(UserMixin, db.Model):
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(40), unique=True)

    @login.user_loader
    def load_user(user_id):
        return db.session.get(User, int(user_id))

    @auth.verify_password
    def verify(username, password):
        user = User.query.filter_by(name=username).first()
        return user if user is not None and password == "secret" else None

    @app.route("/hello", methods=["GET", "POST"])
    @auth.login_required
    @cache.cached(timeout=60, unless=lambda: request.method != "GET")
    def hello():
        login_user(auth.current_user())
        return jsonify(user=current_user.name, greeting=gettext("Hello"))

    with app.app_context():
        db.create_all()
        db.session.add(User(name="ada"))
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": "Basic YWRhOnNlY3JldA==", "Origin": "https://example.org"}  # ada:secret
    ok = client.get("/hello", headers=headers)
    denied = client.get("/hello", headers={"Authorization": "Basic YWRhOndyb25n"})  # ada:wrong
    no_csrf = client.post("/hello", headers=headers)
    result = {
        "get": ok.status_code,
        "body": ok.get_json(),
        "cors": ok.headers.get("Access-Control-Allow-Origin"),
        "wrong_password": denied.status_code,
        "post_without_csrf_token": no_csrf.status_code,
    }
    # Flask-Cors answers "*" or echoes the origin, depending on its version and settings.
    expected = {"get": 200, "body": {"user": "ada", "greeting": "Hello"}, "cors": result["cors"], "wrong_password": 401, "post_without_csrf_token": 400}
    if result != expected or result["cors"] not in ("*", headers["Origin"]):
        failures.append("the app answered %s, expected %s" % (json.dumps(result), json.dumps(expected)))
    return result


def main(requested):
    failures = []
    pins = read_pins(CONSTRAINTS)
    have = installed()
    check_versions(requested, pins, have, failures)
    home = os.path.expanduser("~")
    result = {
        "uid": os.getuid(),
        "python": platform.python_version(),
        "versions": {n: have[_normalize(n)][0] for n in ["flask", "werkzeug", *requested] if _normalize(n) in have},
        "in_user_site": sorted(n for n, (_v, where) in have.items() if where.startswith(home)),
        "pinned_installed": sum(1 for n in have if n in pins),
        "pip_cache_present": os.path.exists(os.path.join(home, ".cache", "pip")),
    }
    if result["pip_cache_present"]:
        failures.append("%s/.cache/pip exists: the derived install left a pip cache" % home)
    steps = [("check", run_check), ("imports", lambda f: import_everything(pins, have, f)), ("app", serve_requests)]
    for key, step in steps:
        try:
            result[key] = step(failures)
        except Exception as exc:  # report every step, even after one broke
            result[key] = None
            failures.append("%s: %s: %s\n%s" % (key, type(exc).__name__, exc, traceback.format_exc(limit=3)))
    result["failures"] = failures
    print(MARKER + json.dumps(result, sort_keys=True), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
