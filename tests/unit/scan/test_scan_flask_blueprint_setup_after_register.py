"""flask-lts scan rule flask-blueprint-setup-after-register: what it finds in real code, and
what it leaves alone."""

from scan_helpers import lines

RULE = "flask-blueprint-setup-after-register"

# A single-module app that registers its blueprint, then keeps adding to it.
BEFORE = '''from flask import Blueprint, Flask

app = Flask(__name__)
api = Blueprint("api", __name__, url_prefix="/api")
app.register_blueprint(api)


@api.route("/ping")
def ping():
    return "pong"


api.add_url_rule("/health", view_func=ping)


def create_app():
    app = Flask(__name__)
    bp = Blueprint("admin", __name__)
    app.register_blueprint(bp)

    @bp.before_request
    def check():
        pass

    return app
'''

CLEAN = '''from flask import Blueprint, Flask

api = Blueprint("api", __name__, url_prefix="/api")


@api.route("/ping")
def ping():
    return "pong"


def create_app():
    app = Flask(__name__)
    app.register_blueprint(api)

    @app.route("/")
    def index():
        return "ok"

    return app


def later(app):
    # runs when called: the rule does not follow calls
    api.add_url_rule("/x", view_func=ping)
'''


def test_finds_each_setup_after_registration():
    assert lines(BEFORE, RULE) == [8, 13, 21]


def test_leaves_setup_before_registration_and_other_scopes_alone():
    assert lines(CLEAN, RULE) == []
