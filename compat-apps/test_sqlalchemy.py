"""Flask-SQLAlchemy 3.x: models, create_all, rows, select queries, db.paginate."""

REQUIRES = ["flask-sqlalchemy>=3.0", "sqlalchemy"]  # db.paginate, db.get_or_404 and db.select: 3.0

import pytest
from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), unique=True, nullable=False)
    books = db.relationship("Book", back_populates="author")


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(120), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"), nullable=False)
    author = db.relationship("Author", back_populates="books")


@pytest.fixture
def app(tmp_path):
    app = Flask(__name__)
    app.config.update(TESTING=True, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'app.db'}")
    db.init_app(app)

    @app.route("/books")
    def books():
        # page/per_page come from the query string, as in the docs.
        page = db.paginate(db.select(Book).order_by(Book.id), max_per_page=50)
        return jsonify(
            titles=[b.title for b in page.items],
            page=page.page,
            pages=page.pages,
            total=page.total,
            has_next=page.has_next,
        )

    with app.app_context():
        db.create_all()
        ann = Author(name="Ann")
        db.session.add(ann)
        db.session.add_all(Book(title=f"Book {i}", author=ann) for i in range(1, 8))
        db.session.commit()
    return app


def test_tables_created(app, tmp_path):
    with app.app_context():
        names = db.inspect(db.engine).get_table_names()
    assert set(names) >= {"author", "book"}
    assert (tmp_path / "app.db").exists()


def test_query_and_relationship(app):
    with app.app_context():
        ann = db.session.execute(db.select(Author).filter_by(name="Ann")).scalar_one()
        assert len(ann.books) == 7
        count = db.session.scalar(db.select(db.func.count()).select_from(Book))
        assert count == 7
        assert db.get_or_404(Book, 3).title == "Book 3"
        assert Book.query.filter(Book.title.like("%5")).one().title == "Book 5"


def test_get_or_404_aborts(app):
    @app.route("/book/<int:id>")
    def book(id):
        return db.get_or_404(Book, id).title

    client = app.test_client()
    assert client.get("/book/2").get_data(as_text=True) == "Book 2"
    assert client.get("/book/99").status_code == 404


def test_unique_constraint_raises(app):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        db.session.add(Author(name="Ann"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_paginate(app):
    client = app.test_client()
    data = client.get("/books?page=2&per_page=3").get_json()
    assert data == {
        "titles": ["Book 4", "Book 5", "Book 6"],
        "page": 2,
        "pages": 3,
        "total": 7,
        "has_next": True,
    }
    last = client.get("/books?page=3&per_page=3").get_json()
    assert last["titles"] == ["Book 7"] and last["has_next"] is False
    # error_out defaults to True: a page past the end is a 404.
    assert client.get("/books?page=9&per_page=3").status_code == 404


def test_relative_sqlite_uri_lives_in_the_instance_folder(tmp_path, monkeypatch):
    # As real apps configure it: a relative URI from the environment, an app factory; 3.0
    # puts the file in the instance folder (2.x put it beside the app: test_sqlalchemy_2.py).
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///blog.db")
    app = Flask(__name__, instance_path=str(tmp_path / "instance"), root_path=str(tmp_path / "src"))
    app.config.update(TESTING=True, SQLALCHEMY_DATABASE_URI=__import__("os").environ["DATABASE_URL"])
    db.init_app(app)
    with app.app_context():
        db.create_all()
        db.session.add(Author(name="Relative"))
        db.session.commit()
        assert db.session.execute(db.select(Author.name)).scalars().all() == ["Relative"]
    assert (tmp_path / "instance" / "blog.db").is_file()
    assert not (tmp_path / "blog.db").exists() and not (tmp_path / "src" / "blog.db").exists()
