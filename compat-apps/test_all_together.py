"""One small "notes" project that uses every extension of the channel together.

Laid out as a real project would be: extensions created once at module level, an app factory that
calls init_app on each, a web blueprint (forms, login, cache, limits), a JSON API (flask-smorest
with JWT), a second API (Flask-RESTX), Socket.IO events, an admin, and migrations through the CLI.
The tests walk flows that cross extensions: register -> mail -> login -> server-side session ->
login_required page in German with moment.js; basic auth -> JWT -> API; sockets that know the user.
"""

REQUIRES = [
    # Written for the channels' generation of each extension: the versions below are where the
    # APIs it uses appeared (Limiter(key_func) 3.0, db.paginate 3.0, SESSION_TYPE "cachelib" 0.6).
    "flask-login", "flask-sqlalchemy>=3.0", "sqlalchemy", "flask-migrate", "alembic", "flask-wtf", "wtforms",
    "flask-httpauth", "flask-cors", "flask-caching", "flask-limiter>=3.0", "flask-mail", "flask-babel",
    "flask-moment", "flask-socketio", "flask-session>=0.6", "flask-jwt-extended", "flask-marshmallow",
    "marshmallow-sqlalchemy", "marshmallow", "flask-restx", "flask-smorest", "flask-admin",
    "flask-debugtoolbar", "flask-talisman", "flask-compress", "flask-bcrypt", "bcrypt",
]

import base64
import gzip
import io
import os
import re
import sqlite3
import subprocess
import sys
import warnings
from datetime import datetime, timezone
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from cachelib.file import FileSystemCache
from flask import Blueprint, Flask, flash, redirect, render_template_string, request, url_for
from flask.views import MethodView
from flask_admin import Admin
from flask_admin.contrib.sqla import ModelView
from flask_babel import Babel, force_locale, gettext, lazy_gettext
from flask_bcrypt import Bcrypt
from flask_caching import Cache
from flask_compress import Compress
from flask_cors import CORS
from flask_debugtoolbar import DebugToolbarExtension
from flask_httpauth import HTTPBasicAuth
from flask_jwt_extended import JWTManager, create_access_token, get_jwt_identity, jwt_required
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_mail import Mail, Message
from flask_marshmallow import Marshmallow
from flask_migrate import Migrate
from flask_moment import Moment
from flask_restx import Api as RestxApi, Resource, fields as restx_fields
from flask_session import Session
from flask_smorest import Api as SmorestApi, Blueprint as SmorestBlueprint
from flask_socketio import SocketIO, emit, join_room
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect, FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

# ---- extensions.py -------------------------------------------------------------------------
db = SQLAlchemy()
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
cache = Cache()
limiter = Limiter(get_remote_address, storage_uri="memory://")
mail = Mail()
babel = Babel()
moment = Moment()
socketio = SocketIO()
server_session = Session()
jwt = JWTManager()
ma = Marshmallow()
bcrypt = Bcrypt()
cors = CORS()
compress = Compress()
talisman = Talisman()
toolbar = DebugToolbarExtension()
basic_auth = HTTPBasicAuth()


# ---- models.py -----------------------------------------------------------------------------
class User(UserMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), unique=True, nullable=False)
    password_hash = db.Column(db.String(60), nullable=False)
    locale = db.Column(db.String(5), nullable=False, default="en")
    is_admin = db.Column(db.Boolean, nullable=False, default=False)
    notes = db.relationship("Note", back_populates="owner", order_by="Note.id")

    def set_password(self, password):
        self.password_hash = bcrypt.generate_password_hash(password).decode()

    def check_password(self, password):
        return bcrypt.check_password_hash(self.password_hash, password)


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    body = db.Column(db.String(500), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=lambda: datetime.now(timezone.utc).replace(tzinfo=None))
    owner_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    owner = db.relationship("User", back_populates="notes")


class NoteSchema(ma.SQLAlchemyAutoSchema):
    class Meta:
        model = Note
        include_fk = True
        load_instance = True
        # The schema is defined before init_app, so it is told the session itself.
        sqla_session = db.session


class NoteInSchema(ma.Schema):
    body = ma.String(required=True)


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(User, int(user_id))


@basic_auth.verify_password
def verify_password(email, password):
    user = db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()
    if user and user.check_password(password):
        return user


@jwt.user_lookup_loader
def jwt_user(_header, payload):
    return db.session.get(User, int(payload["sub"]))


def select_locale():
    if current_user.is_authenticated:
        return current_user.locale
    return request.accept_languages.best_match(["en", "de"])


# ---- forms.py ------------------------------------------------------------------------------
class RegisterForm(FlaskForm):
    email = StringField(lazy_gettext("Email"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(lazy_gettext("Password"), validators=[DataRequired(), Length(min=8)])
    locale = StringField(default="en")


class LoginForm(FlaskForm):
    email = StringField(validators=[DataRequired()])
    password = PasswordField(validators=[DataRequired()])


class NoteForm(FlaskForm):
    body = StringField(validators=[DataRequired(), Length(max=500)])


# ---- web.py --------------------------------------------------------------------------------
web = Blueprint("web", __name__)
STATS_CALLS = []

FORM_PAGE = """<!doctype html><html><body>
{% for m in get_flashed_messages() %}<p class="flash">{{ m }}</p>{% endfor %}
<form method="post">{{ form.hidden_tag() }}{% for f in form if f.widget.input_type != 'hidden' %}{{ f() }}{% endfor %}</form>
{% for field, errors in form.errors.items() %}<p class="error">{{ field }}: {{ errors[0] }}</p>{% endfor %}
</body></html>"""

NOTES_PAGE = """<!doctype html><html><head><title>{{ _('My notes') }}</title>{{ moment.include_moment() }}</head>
<body><h1>{{ _('Hello, %(email)s!', email=current_user.email) }}</h1>
<form method="post">{{ form.csrf_token }}{{ form.body() }}</form>
<ul>{% for n in notes %}<li>{{ n.body }} {{ moment(n.created_at).fromNow() }}</li>{% endfor %}</ul>
</body></html>"""


@web.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        user = User(email=form.email.data, locale=form.locale.data or "en")
        user.set_password(form.password.data)
        db.session.add(user)
        db.session.commit()
        with force_locale(user.locale):  # the mail speaks the new user's language
            mail.send(Message(gettext("Welcome to Notes"), recipients=[user.email], body=f"Hi {user.email}"))
        login_user(user)
        return redirect(url_for("web.notes"))
    return render_template_string(FORM_PAGE, form=form)


@web.route("/login", methods=["GET", "POST"])
@limiter.limit("3 per minute", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = verify_password(form.email.data, form.password.data)
        if user:
            login_user(user)
            return redirect(request.args.get("next") or url_for("web.notes"))
        flash(gettext("Invalid email or password."))
    return render_template_string(FORM_PAGE, form=form)


@web.post("/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for("web.login"))


@web.route("/notes", methods=["GET", "POST"])
@login_required
def notes():
    form = NoteForm()
    if form.validate_on_submit():
        db.session.add(Note(body=form.body.data, owner=current_user))
        db.session.commit()
        return redirect(url_for("web.notes"))
    return render_template_string(NOTES_PAGE, form=form, notes=current_user.notes)


@web.get("/stats")
@cache.cached(timeout=60)
def stats():
    STATS_CALLS.append(1)
    return {"notes": db.session.scalar(db.select(db.func.count()).select_from(Note))}


# ---- api.py (flask-smorest + JWT + basic auth) ---------------------------------------------
api_blp = SmorestBlueprint("notes_api", __name__, url_prefix="/api/notes")


@api_blp.post("/token")
@basic_auth.login_required
def issue_token():
    return {"access_token": create_access_token(identity=str(basic_auth.current_user().id))}


@api_blp.route("/")
class NotesResource(MethodView):
    @jwt_required()
    @api_blp.response(200, NoteSchema(many=True))
    def get(self):
        return db.session.scalars(db.select(Note).filter_by(owner_id=int(get_jwt_identity()))).all()

    @jwt_required()
    @api_blp.arguments(NoteInSchema)
    @api_blp.response(201, NoteSchema)
    def post(self, data):
        note = Note(body=data["body"], owner_id=int(get_jwt_identity()))
        db.session.add(note)
        db.session.commit()
        return note


# ---- restx.py ------------------------------------------------------------------------------
restx_bp = Blueprint("restx", __name__, url_prefix="/v1")
restx_api = RestxApi(restx_bp, title="Notes v1", doc="/docs")
notes_ns = restx_api.namespace("notes")
note_model = notes_ns.model("Note", {"id": restx_fields.Integer, "body": restx_fields.String})


@notes_ns.route("/")
class RestxNotes(Resource):
    @jwt_required()
    @notes_ns.marshal_list_with(note_model)
    def get(self):
        return db.session.scalars(db.select(Note).filter_by(owner_id=int(get_jwt_identity()))).all()


# ---- sockets.py ----------------------------------------------------------------------------
@socketio.on("connect")
def on_connect():
    if not current_user.is_authenticated:
        return False
    join_room(f"user-{current_user.id}")
    emit("hello", {"email": current_user.email})


@socketio.on("add_note")
def on_add_note(body):
    note = Note(body=body, owner_id=current_user.id)
    db.session.add(note)
    db.session.commit()
    emit("note_added", {"id": note.id, "body": note.body}, to=f"user-{current_user.id}")


# ---- admin.py ------------------------------------------------------------------------------
class AdminOnly(ModelView):
    def is_accessible(self):
        return current_user.is_authenticated and current_user.is_admin

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("web.login", next=request.url))


# ---- app.py --------------------------------------------------------------------------------
def create_app(config=None):
    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY="dev-only",
        SQLALCHEMY_DATABASE_URI="sqlite://",
        JWT_SECRET_KEY="dev-only-jwt-secret-that-is-long-enough",
        SESSION_TYPE="cachelib",
        CACHE_TYPE="SimpleCache",
        MAIL_DEFAULT_SENDER="noreply@notes.example.test",
        BCRYPT_LOG_ROUNDS=4,
        API_TITLE="Notes",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/docs",
        FORCE_HTTPS=True,
        DEBUG_TB_INTERCEPT_REDIRECTS=False,
    )
    app.config.from_prefixed_env()  # FLASK_SQLALCHEMY_DATABASE_URI=... etc., as deployments do
    app.config.update(config or {})
    app.config["SESSION_CACHELIB"] = FileSystemCache(app.config["SESSION_DIR"], threshold=500)

    db.init_app(app)
    migrate.init_app(app, db)
    login_manager.init_app(app)
    login_manager.login_view = "web.login"
    csrf.init_app(app)
    cache.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    moment.init_app(app)
    server_session.init_app(app)
    # Flask-Session keeps the session server side, so Socket.IO must not manage its own copy.
    socketio.init_app(app, manage_session=False)
    jwt.init_app(app)
    ma.init_app(app)
    bcrypt.init_app(app)
    cors.init_app(app, resources={r"/api/*": {"origins": ["https://spa.example.test"]}})
    compress.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["FORCE_HTTPS"],
        content_security_policy={"default-src": "'self'", "script-src": ["'self'", "cdn.jsdelivr.net"]},
    )
    toolbar.init_app(app)  # does nothing unless app.debug

    app.register_blueprint(web)
    smorest = SmorestApi(app)
    smorest.register_blueprint(api_blp)
    csrf.exempt(api_blp)  # token-authenticated JSON API: no cookies, no CSRF
    app.register_blueprint(restx_bp)

    admin = Admin(app, name="Notes admin")
    admin.add_view(AdminOnly(Note, db.session))
    return app


# ---- tests ---------------------------------------------------------------------------------
PO_DE = r'''
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"

msgid "My notes"
msgstr "Meine Notizen"

msgid "Hello, %(email)s!"
msgstr "Hallo, %(email)s!"

msgid "Welcome to Notes"
msgstr "Willkommen bei Notes"

msgid "Invalid email or password."
msgstr "Ungültige E-Mail-Adresse oder Passwort."
'''


@pytest.fixture
def app(tmp_path):
    catalog = read_po(io.StringIO(PO_DE), locale="de")
    (tmp_path / "translations/de/LC_MESSAGES").mkdir(parents=True)
    with open(tmp_path / "translations/de/LC_MESSAGES/messages.mo", "wb") as f:
        write_mo(f, catalog)

    app = create_app({
        "TESTING": True,
        "FORCE_HTTPS": False,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'notes.db'}",
        "SESSION_DIR": str(tmp_path / "sessions"),
        "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path / "translations"),
    })
    with app.app_context():
        db.create_all()
    STATS_CALLS.clear()
    return app


def csrf_token(client, url):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def register(client, email="ann@example.test", password="s3cret-pass", locale="en"):
    token = csrf_token(client, "/register")
    return client.post("/register", data={"csrf_token": token, "email": email, "password": password, "locale": locale})


def basic(email, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()}


def test_register_mail_login_and_german_notes_page(app):
    client = app.test_client()
    assert client.get("/notes").status_code == 302  # login_required -> login view

    with mail.record_messages() as outbox:
        resp = register(client, locale="de")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/notes")
    [welcome] = outbox
    assert welcome.subject == "Willkommen bei Notes"  # translated for the new user's locale
    assert welcome.recipients == ["ann@example.test"]

    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert user.password_hash.startswith("$2b$04$") and user.check_password("s3cret-pass")

    # The session id cookie points at a file in the server-side store.
    assert any(Path(app.config["SESSION_DIR"]).iterdir())

    token = csrf_token(client, "/notes")
    assert client.post("/notes", data={"csrf_token": token, "body": "buy milk"}).status_code == 302
    assert client.post("/notes", data={"body": "no token"}).status_code == 400  # CSRFProtect

    page = client.get("/notes")
    assert page.status_code == 200
    assert "<title>Meine Notizen</title>" in page.get_data(as_text=True)
    assert "Hallo, ann@example.test!" in page.get_data(as_text=True)
    assert "buy milk" in page.get_data(as_text=True) and "no token" not in page.get_data(as_text=True)
    assert 'data-function="fromNow"' in page.get_data(as_text=True) and "moment" in page.get_data(as_text=True)
    # Talisman's headers are on every page.
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"

    client.post("/logout", data={"csrf_token": csrf_token(client, "/notes")})
    assert client.get("/notes").status_code == 302


def test_login_failures_are_translated_then_rate_limited(app):
    register(app.test_client())
    client = app.test_client()
    for _ in range(3):
        token = csrf_token(client, "/login")
        resp = client.post(
            "/login", data={"csrf_token": token, "email": "ann@example.test", "password": "wrong"},
            headers={"Accept-Language": "de"},
        )
        assert resp.status_code == 200
        assert "Ungültige E-Mail-Adresse oder Passwort." in resp.get_data(as_text=True)
    token = csrf_token(client, "/login")
    assert client.post("/login", data={"csrf_token": token, "email": "x", "password": "y"}).status_code == 429
    assert client.get("/login").status_code == 200  # only POST is limited


def test_basic_auth_to_jwt_to_both_apis_with_cors(app):
    register(app.test_client())
    client = app.test_client()
    assert client.post("/api/notes/token", headers=basic("ann@example.test", "bad")).status_code == 401
    token = client.post("/api/notes/token", headers=basic("ann@example.test", "s3cret-pass")).get_json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}

    assert client.get("/api/notes/").status_code == 401
    resp = client.post("/api/notes/", json={"body": "from the api"}, headers=auth)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert resp.get_json()["body"] == "from the api" and resp.get_json()["owner_id"] == 1
    assert client.post("/api/notes/", json={}, headers=auth).status_code == 422

    resp = client.get("/api/notes/", headers={**auth, "Origin": "https://spa.example.test"})
    assert [n["body"] for n in resp.get_json()] == ["from the api"]
    assert resp.headers["Access-Control-Allow-Origin"] == "https://spa.example.test"
    assert "/api/notes/" in client.get("/api/docs/openapi.json").get_json()["paths"]

    assert client.get("/v1/notes/", headers=auth).get_json() == [{"id": 1, "body": "from the api"}]
    assert client.get("/v1/notes/").status_code == 401
    assert "/notes/" in client.get("/v1/swagger.json").get_json()["paths"]


def test_cached_stats_and_compressed_pages(app):
    client = app.test_client()
    assert client.get("/stats").get_json() == {"notes": 0}
    register(client)
    client.post("/notes", data={"csrf_token": csrf_token(client, "/notes"), "body": "x" * 400})
    assert client.get("/stats").get_json() == {"notes": 0}  # still the cached answer
    assert len(STATS_CALLS) == 1

    resp = client.get("/notes", headers={"Accept-Encoding": "gzip"})
    assert resp.headers["Content-Encoding"] == "gzip"
    assert "x" * 400 in gzip.decompress(resp.data).decode()
    assert "Content-Security-Policy" in resp.headers


def test_socket_knows_the_logged_in_user(app):
    anonymous = socketio.test_client(app)
    assert not anonymous.is_connected()

    client = app.test_client()
    register(client)
    sock = socketio.test_client(app, flask_test_client=client)
    assert sock.is_connected()
    assert sock.get_received()[0]["args"] == [{"email": "ann@example.test"}]
    sock.emit("add_note", "via socket")
    [event] = sock.get_received()
    assert event["name"] == "note_added" and event["args"][0]["body"] == "via socket"
    assert "via socket" in client.get("/notes").get_data(as_text=True)


def test_admin_only_for_admins(app):
    client = app.test_client()
    register(client)
    assert client.get("/admin/note/").status_code == 302
    with app.app_context():
        db.session.execute(db.update(User).values(is_admin=True))
        db.session.add(Note(body="seen by admin", owner_id=1))
        db.session.commit()
    resp = client.get("/admin/note/")
    assert resp.status_code == 200 and "seen by admin" in resp.get_data(as_text=True)


def test_https_redirect_and_debug_toolbar(tmp_path):
    prod = create_app({"SESSION_DIR": str(tmp_path / "s1")})
    resp = prod.test_client().get("/login")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("https://")

    dev = create_app({"DEBUG": True, "FORCE_HTTPS": False, "SESSION_DIR": str(tmp_path / "s2")})
    with dev.app_context():
        db.create_all()
    html = dev.test_client().get("/login", headers={"Accept-Encoding": "gzip"})
    body = gzip.decompress(html.data).decode() if html.headers.get("Content-Encoding") == "gzip" else html.get_data(as_text=True)
    assert 'id="flDebug"' in body


def test_migrations_through_the_cli(tmp_path):
    """`flask db init/migrate/upgrade` against the factory, as a deployment runs them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(
        PYTHONPATH=os.path.dirname(os.path.abspath(__file__)),
        FLASK_SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.db'}",
        FLASK_SESSION_DIR=str(tmp_path / "sessions"),
    )
    child_warnings = set()
    for args in (["init"], ["migrate", "-m", "initial"], ["upgrade"]):
        proc = subprocess.run(
            [sys.executable, "-W", "default::DeprecationWarning", "-m", "flask",
             "--app", f"{Path(__file__).stem}:create_app()", "db", *args],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
        )
        errors = [l.strip() for l in proc.stderr.splitlines() if re.match(r"[\w.]*(Error|Exception)\b", l.strip())]
        last = (errors or [l for l in proc.stderr.splitlines() if l.strip()] or ["(no output)"])[-1].strip()
        assert proc.returncode == 0, f"flask db {args[0]} exited {proc.returncode}: {last}\n{proc.stdout}\n{proc.stderr}"
        child_warnings.update(l.strip() for l in proc.stderr.replace(str(tmp_path), "<tmp>").splitlines() if "DeprecationWarning" in l)
    # Hand the children's DeprecationWarnings on to this run's warning summary, once each.
    for line in sorted(child_warnings):
        warnings.warn(f"from `flask db`: {line}", DeprecationWarning)
    with sqlite3.connect(tmp_path / "prod.db") as conn:
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
    assert {"user", "note", "alembic_version"} <= tables
