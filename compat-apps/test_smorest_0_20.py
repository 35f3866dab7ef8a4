"""flask-smorest before 0.21: an Api with a Blueprint and marshmallow schemas; the endpoint and the OpenAPI JSON.

As test_smorest_0_28.py, but a 422's messages are not keyed by location: with webargs 5,
which these releases use, ``errors`` maps the field names themselves (``errors["species"]``);
0.21 moved to webargs 6 and ``errors["json"]["species"]``.
"""

# Blueprint.response(schema, code=...): before 0.29; errors keyed by field, not location: before 0.21
REQUIRES = ["flask-smorest<0.21", "marshmallow"]
VARIANT_OF = "test_smorest.py"  # the same app, written the way flask-smorest 0.20's docs show

import marshmallow as ma
import pytest
from flask import Flask
from flask.views import MethodView
from flask_smorest import Api, Blueprint, abort

PETS = [{"id": 1, "name": "Rex", "species": "dog"}, {"id": 2, "name": "Tom", "species": "cat"}]


class PetSchema(ma.Schema):
    id = ma.fields.Int(dump_only=True)
    name = ma.fields.Str(required=True)
    species = ma.fields.Str(required=True, validate=ma.validate.OneOf(["dog", "cat"]))


class PetQueryArgsSchema(ma.Schema):
    species = ma.fields.Str()


@pytest.fixture
def client():
    app = Flask(__name__)
    app.config.update(
        API_TITLE="Pets",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
    )
    api = Api(app)
    blp = Blueprint("pets", __name__, url_prefix="/pets", description="Operations on pets")

    @blp.route("/")
    class Pets(MethodView):
        @blp.arguments(PetQueryArgsSchema, location="query")
        @blp.response(PetSchema(many=True))
        def get(self, args):
            return [p for p in PETS if args.get("species") in (None, p["species"])]

        @blp.arguments(PetSchema)
        @blp.response(PetSchema, code=201)
        def post(self, new_pet):
            return {"id": 3, **new_pet}

    @blp.route("/<int:pet_id>")
    class PetById(MethodView):
        @blp.response(PetSchema)
        def get(self, pet_id):
            for pet in PETS:
                if pet["id"] == pet_id:
                    return pet
            abort(404, message="Pet not found.")

    api.register_blueprint(blp)
    return app.test_client()


def test_endpoints(client):
    assert [p["name"] for p in client.get("/pets/").get_json()] == ["Rex", "Tom"]
    assert client.get("/pets/?species=cat").get_json() == [{"id": 2, "name": "Tom", "species": "cat"}]
    assert client.get("/pets/1").get_json()["name"] == "Rex"
    resp = client.get("/pets/9")
    assert resp.status_code == 404 and resp.get_json()["message"] == "Pet not found."


def test_body_validation(client):
    resp = client.post("/pets/", json={"name": "Nemo", "species": "dog"})
    assert resp.status_code == 201 and resp.get_json() == {"id": 3, "name": "Nemo", "species": "dog"}

    resp = client.post("/pets/", json={"name": "Nemo", "species": "fish"})
    assert resp.status_code == 422
    assert "species" in resp.get_json()["errors"]


def test_openapi_json(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"] == "3.0.3"
    assert spec["info"]["version"] == "v1"  # the title is not checked: 0.22 gives the app's name
    assert {"/pets/", "/pets/{pet_id}"} <= set(spec["paths"])
    assert set(spec["paths"]["/pets/"]) >= {"get", "post"}
    assert "Pet" in spec["components"]["schemas"]
    params = {p["name"] for p in spec["paths"]["/pets/"]["get"]["parameters"]}
    assert "species" in params
