# Control app for slug flask-sqlalchemy-2.5.1-sqlalchemy-2.0 (fixed by
# flask-sqlalchemy-2.5.1-sqlalchemy-1.4). Flask-SQLAlchemy 2.5.1 copies every name of
# sqlalchemy.__all__ onto the SQLAlchemy() object; SQLAlchemy 2.0 has no __all__, so
# `import flask_sqlalchemy` works and `SQLAlchemy(app)` raises AttributeError.
REQUIRES = ["flask", "flask-sqlalchemy"]

from flask import Flask, jsonify
from flask_sqlalchemy import SQLAlchemy


def test_model_roundtrip_in_a_request(tmp_path):
    app = Flask(__name__)
    app.config.update(
        TESTING=True,
        SQLALCHEMY_DATABASE_URI="sqlite:///" + str(tmp_path / "app.db"),
        SQLALCHEMY_TRACK_MODIFICATIONS=False,
    )
    db = SQLAlchemy(app)

    class User(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(80), unique=True, nullable=False)

    @app.route("/users/<name>", methods=["POST"])
    def add_user(name):
        db.session.add(User(name=name))
        db.session.commit()
        return jsonify(count=User.query.count())

    with app.app_context():
        db.create_all()
    client = app.test_client()
    assert client.post("/users/ada").get_json() == {"count": 1}
    assert client.post("/users/bob").get_json() == {"count": 2}
