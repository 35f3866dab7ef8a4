"""Flask-RESTX: a namespace with a model; the resource and /swagger.json."""

REQUIRES = ["flask-restx"]

import pytest
from flask import Flask
from flask_restx import Api, Resource, fields

TODOS = [{"id": 1, "task": "write tests", "done": False}]


@pytest.fixture
def client():
    app = Flask(__name__)
    api = Api(app, version="1.0", title="Todo API", doc="/docs/")
    ns = api.namespace("todos", description="Todo operations")
    todo = ns.model("Todo", {
        "id": fields.Integer(readonly=True),
        "task": fields.String(required=True),
        "done": fields.Boolean(default=False),
    })

    @ns.route("/")
    class TodoList(Resource):
        @ns.marshal_list_with(todo)
        def get(self):
            return TODOS

        @ns.expect(todo, validate=True)
        @ns.marshal_with(todo, code=201)
        def post(self):
            item = {"id": len(TODOS) + 1, **api.payload}
            return item, 201

    @ns.route("/<int:id>")
    @ns.response(404, "Todo not found")
    class TodoItem(Resource):
        @ns.marshal_with(todo)
        def get(self, id):
            for item in TODOS:
                if item["id"] == id:
                    return item
            ns.abort(404, f"Todo {id} doesn't exist")

    return app.test_client()


def test_get_resources(client):
    assert client.get("/todos/").get_json() == [{"id": 1, "task": "write tests", "done": False}]
    assert client.get("/todos/1").get_json()["task"] == "write tests"
    resp = client.get("/todos/9")
    assert resp.status_code == 404
    assert "Todo 9 doesn't exist" in resp.get_json()["message"]


def test_payload_validation(client):
    resp = client.post("/todos/", json={"task": "ship", "done": True})
    assert resp.status_code == 201
    assert resp.get_json() == {"id": 2, "task": "ship", "done": True}

    resp = client.post("/todos/", json={"done": "yes"})
    assert resp.status_code == 400
    assert "task" in resp.get_json()["errors"]


def test_swagger(client):
    spec = client.get("/swagger.json").get_json()
    assert spec["swagger"] == "2.0"
    assert spec["info"]["title"] == "Todo API"
    assert {"/todos/", "/todos/{id}"} <= set(spec["paths"])
    assert set(spec["paths"]["/todos/"]) >= {"get", "post"}
    assert "Todo" in spec["definitions"]
    # The Swagger UI page renders (its static files are bundled with the package).
    ui = client.get("/docs/")
    assert ui.status_code == 200 and "swagger" in ui.get_data(as_text=True).lower()
    assert client.get("/swaggerui/swagger-ui-bundle.js").status_code == 200
