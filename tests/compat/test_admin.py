"""Flask-Admin: a ModelView over a SQLAlchemy model; the list view shows the rows."""

REQUIRES = ["flask-admin", "flask-sqlalchemy", "sqlalchemy"]

import importlib.util
import re

import pytest
from flask import Flask
from flask_admin import Admin
from flask_admin.contrib.sqla import ModelView
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

# Flask-Admin switches to Flask-Babel as soon as it is importable, and then needs Babel(app):
# https://github.com/pallets-eco/flask-admin/issues/2447 (and #2609, #2827).
HAS_FLASK_BABEL = importlib.util.find_spec("flask_babel") is not None


class Product(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)
    price = db.Column(db.Integer, nullable=False)


class ProductView(ModelView):
    column_searchable_list = ["name"]
    column_default_sort = "name"


def make_app(tmp_path, init_babel=HAS_FLASK_BABEL):
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'admin.db'}")
    db.init_app(app)
    if init_babel:
        from flask_babel import Babel

        Babel(app)
    admin = Admin(app, name="Shop admin")
    with app.app_context():
        db.create_all()
        db.session.add_all([Product(name="Widget", price=5), Product(name="Gadget", price=7)])
        db.session.commit()
    # db.session, as both 1.x and 2.x docs show (2.x deprecates it in favour of db).
    admin.add_view(ProductView(Product, db.session))
    return app


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def test_index(app):
    resp = app.test_client().get("/admin/")
    assert resp.status_code == 200
    assert "Shop admin" in resp.text


def test_list_view_shows_rows(app):
    resp = app.test_client().get("/admin/product/")
    assert resp.status_code == 200
    assert "Widget" in resp.text and "Gadget" in resp.text
    assert resp.text.index("Gadget") < resp.text.index("Widget")  # column_default_sort

    found = app.test_client().get("/admin/product/?search=Wid")
    assert "Widget" in found.text and "Gadget" not in found.text


def test_create_through_form(app):
    client = app.test_client()
    form = client.get("/admin/product/new/")
    assert form.status_code == 200
    data = {"name": "Sprocket", "price": "3"}
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.text)
    if token:
        data["csrf_token"] = token.group(1)
    resp = client.post("/admin/product/new/", data=data)
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Product.price).filter_by(name="Sprocket")) == 3


@pytest.mark.skipif(not HAS_FLASK_BABEL, reason="only when Flask-Babel is installed beside Flask-Admin")
@pytest.mark.xfail(raises=KeyError, strict=True, reason="known upstream bug: KeyError 'babel' (flask-admin #2447)")
def test_flask_babel_installed_but_not_initialised(tmp_path):
    # Strict: when a Flask-Admin release fixes this, the XPASS tells us to drop the note.
    app = make_app(tmp_path, init_babel=False)
    app.testing = True  # let the KeyError propagate instead of a 500
    app.test_client().get("/admin/product/")
