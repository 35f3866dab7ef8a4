"""flask-apispec: a view function and a MethodResource with use_kwargs and marshal_with, the
Swagger JSON and Swagger UI it serves (FlaskApiSpec), and webargs' 422 for a bad value."""

REQUIRES = ["flask-apispec>=0.10", "webargs>=6.0"]  # webargs 6 (flask-apispec 0.10 on): use_kwargs reads JSON unless location= says otherwise

import pytest
from flask import Flask, make_response
from flask_apispec import FlaskApiSpec, MethodResource, doc, marshal_with, use_kwargs
from marshmallow import Schema, fields


class Pet:
    def __init__(self, id, name, species, age):
        self.id, self.name, self.species, self.age = id, name, species, age


class PetSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str()
    species = fields.Str()
    age = fields.Int()


def create_app():
    app = Flask(__name__)
    pets = {1: Pet(1, "calici", "cat", 3), 2: Pet(2, "rex", "dog", 5)}

    @app.route("/pets", methods=["GET"])
    @use_kwargs({"species": fields.Str()}, location="query")
    @marshal_with(PetSchema(many=True))
    def list_pets(**kwargs):
        return [p for p in pets.values() if all(getattr(p, k) == v for k, v in kwargs.items())]

    @doc(tags=["pets"], params={"pet_id": {"description": "the pet's id"}})
    @marshal_with(PetSchema)
    class PetResource(MethodResource):
        def get(self, pet_id):
            return pets[pet_id]

        @use_kwargs(PetSchema)
        def put(self, pet_id, **kwargs):
            for key, value in kwargs.items():
                setattr(pets[pet_id], key, value)
            return pets[pet_id]

        @marshal_with(None, code=204)
        def delete(self, pet_id):
            del pets[pet_id]
            return make_response("", 204)  # the README's form: a response is passed through

    app.add_url_rule("/pets/<int:pet_id>", view_func=PetResource.as_view("Pet"))
    docs = FlaskApiSpec(app)
    docs.register(list_pets)
    docs.register(PetResource, endpoint="Pet")
    return app


@pytest.fixture
def client():
    return create_app().test_client()


def test_list_filters_by_query_and_marshals(client):
    rv = client.get("/pets?species=cat")
    assert rv.status_code == 200
    assert rv.get_json() == [{"id": 1, "name": "calici", "species": "cat", "age": 3}]
    assert len(client.get("/pets").get_json()) == 2


def test_method_resource_get_put_delete(client):
    assert client.get("/pets/2").get_json() == {"id": 2, "name": "rex", "species": "dog", "age": 5}
    rv = client.put("/pets/2", json={"age": 6})
    assert rv.status_code == 200 and rv.get_json()["age"] == 6
    rv = client.delete("/pets/2")
    assert rv.status_code == 204 and rv.get_data() == b""
    assert len(client.get("/pets").get_json()) == 1


def test_a_bad_value_is_a_422(client):
    rv = client.put("/pets/1", json={"age": "old"})
    assert rv.status_code == 422
    assert client.get("/pets/1").get_json()["age"] == 3


def test_swagger_json_and_ui(client):
    spec = client.get("/swagger/").get_json()
    assert spec["swagger"] == "2.0"
    assert set(spec["paths"]) >= {"/pets", "/pets/{pet_id}"}
    assert {"get", "put", "delete"} <= set(spec["paths"]["/pets/{pet_id}"])
    assert spec["paths"]["/pets/{pet_id}"]["get"]["tags"] == ["pets"]
    assert any(p["name"] == "species" and p["in"] == "query" for p in spec["paths"]["/pets"]["get"]["parameters"])
    assert "Pet" in spec["definitions"] or any("Pet" in name for name in spec["definitions"])
    rv = client.get("/swagger-ui/")
    assert rv.status_code == 200 and "swagger" in rv.get_data(as_text=True).lower()
