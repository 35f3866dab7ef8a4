"""Flask-Marshmallow without an ORM: ma.Schema fields, URLFor, AbsoluteURLFor, Hyperlinks, jsonify, load and validation."""

# URLFor(endpoint, values=...): Flask-Marshmallow 0.14; dump() returning the data and load() raising: marshmallow 3
REQUIRES = ["flask-marshmallow>=0.14", "marshmallow>=3.0"]

from flask import Flask, jsonify, request
from flask_marshmallow import Marshmallow
from marshmallow import ValidationError, validate

app = Flask(__name__)
app.config["SERVER_NAME"] = "books.example.test"  # AbsoluteURLFor builds external URLs
ma = Marshmallow(app)
BOOKS = {1: {"id": 1, "title": "Dune", "contact": "ann@example.test"}}


class BookSchema(ma.Schema):
    id = ma.Int(dump_only=True)
    title = ma.Str(required=True, validate=validate.Length(min=1, max=120))
    contact = ma.Email()
    url = ma.AbsoluteURLFor("book_detail", values=dict(id="<id>"))
    _links = ma.Hyperlinks({"self": ma.URLFor("book_detail", values=dict(id="<id>")), "collection": ma.URLFor("list_books")})


book_schema = BookSchema()
books_schema = BookSchema(many=True)


@app.route("/books")
def list_books():
    return books_schema.jsonify(sorted(BOOKS.values(), key=lambda b: b["id"]))


@app.route("/books/<int:id>")
def book_detail(id):
    return book_schema.jsonify(BOOKS[id])


@app.route("/books", methods=["POST"])
def create_book():
    try:
        book = book_schema.load(request.get_json())
    except ValidationError as err:
        return jsonify(errors=err.messages), 422
    book["id"] = max(BOOKS) + 1
    BOOKS[book["id"]] = book
    return book_schema.jsonify(book), 201


def test_dump_with_links():
    data = app.test_client().get("/books/1").get_json()
    assert data == {
        "id": 1, "title": "Dune", "contact": "ann@example.test", "url": "http://books.example.test/books/1",
        "_links": {"self": "/books/1", "collection": "/books"},
    }  # fmt: skip


def test_load_and_list():
    client = app.test_client()
    resp = client.post("/books", json={"title": "Emma", "contact": "bob@example.test"})
    assert resp.status_code == 201 and resp.get_json()["_links"]["self"] == "/books/2"
    titles = [b["title"] for b in client.get("/books").get_json()]
    assert titles == ["Dune", "Emma"]


def test_load_validates():
    resp = app.test_client().post("/books", json={"title": "", "contact": "not-an-email", "id": 9})
    assert resp.status_code == 422
    errors = resp.get_json()["errors"]
    assert set(errors) >= {"title", "contact"}
