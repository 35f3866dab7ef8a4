"""Flask-Marshmallow + marshmallow-sqlalchemy with Flask-SQLAlchemy 2.x: dump and load a model with SQLAlchemyAutoSchema."""

# Model.query.get_or_404 with Flask-SQLAlchemy 2.x; URLFor(endpoint, values=...): Flask-Marshmallow 0.14;
# SQLAlchemyAutoSchema: marshmallow-sqlalchemy 0.22
REQUIRES = ["flask-marshmallow>=0.14", "marshmallow-sqlalchemy>=0.22", "marshmallow", "flask-sqlalchemy<3.0", "sqlalchemy"]
VARIANT_OF = "test_marshmallow.py"  # the same app, written the way Flask-SQLAlchemy 2.x's docs show

import pytest
from flask import Flask, jsonify, request
from flask_marshmallow import Marshmallow
from flask_sqlalchemy import SQLAlchemy
from marshmallow import ValidationError

# The docs' order: Marshmallow(app) after SQLAlchemy(app) and before the schemas, so that
# the schemas pick up db.session (relationship lookups on load need it).
app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] = False  # 2.x warns unless it is set
db = SQLAlchemy(app)
ma = Marshmallow(app)


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)
    email = db.Column(db.String(120))
    books = db.relationship("Book", backref="author")


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(120), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"))


class AuthorSchema(ma.SQLAlchemyAutoSchema):
    class Meta:
        model = Author
        load_instance = True
        include_relationships = True

    email = ma.Email()
    _links = ma.Hyperlinks({"self": ma.URLFor("author_detail", values=dict(id="<id>"))})


class BookSchema(ma.SQLAlchemyAutoSchema):
    class Meta:
        model = Book
        include_fk = True


author_schema = AuthorSchema()


@app.route("/authors/<int:id>")
def author_detail(id):
    return author_schema.dump(Author.query.get_or_404(id))


@app.route("/authors", methods=["POST"])
def create_author():
    try:
        author = author_schema.load(request.json)
    except ValidationError as err:
        return jsonify({"errors": err.messages}), 422
    db.session.add(author)
    db.session.commit()
    return author_schema.dump(author), 201


@pytest.fixture(autouse=True)
def data():
    with app.app_context():
        db.create_all()
        ann = Author(name="Ann", email="ann@example.test")
        db.session.add_all([ann, Book(title="Dune", author=ann), Book(title="Emma", author=ann)])
        db.session.commit()
    yield
    with app.app_context():
        db.drop_all()


def test_dump():
    data = app.test_client().get("/authors/1").get_json()
    assert data == {
        "id": 1,
        "name": "Ann",
        "email": "ann@example.test",
        "books": [1, 2],
        "_links": {"self": "/authors/1"},
    }
    with app.app_context():
        assert BookSchema(many=True).dump(Book.query.all()) == [
            {"id": 1, "title": "Dune", "author_id": 1},
            {"id": 2, "title": "Emma", "author_id": 1},
        ]


def test_load_creates_model_instance():
    client = app.test_client()
    # books=[2] is looked up through db.session: Bob takes over the existing "Emma".
    resp = client.post("/authors", json={"name": "Bob", "email": "bob@example.test", "books": [2]})
    assert resp.status_code == 201
    assert resp.get_json()["_links"] == {"self": "/authors/2"}
    with app.app_context():
        bob = Author.query.get(2)
        assert isinstance(bob, Author) and bob.name == "Bob"
        assert [b.title for b in bob.books] == ["Emma"]
        assert Book.query.count() == 2


def test_load_validates():
    resp = app.test_client().post("/authors", json={"email": "not-an-email", "books": "x"})
    assert resp.status_code == 422
    errors = resp.get_json()["errors"]
    assert set(errors) == {"name", "email", "books"}
