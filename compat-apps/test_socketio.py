"""Flask-SocketIO: an echo handler through socketio.test_client, sharing the Flask client's session."""

REQUIRES = ["flask-socketio>=5.1"]  # the connect handler's auth argument, test_client(auth=...): 5.1

import pytest
from flask import Flask, session
from flask_socketio import SocketIO, emit, join_room, send


@pytest.fixture
def app():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "test"
    socketio = SocketIO(app)

    @app.route("/login/<name>")
    def login(name):
        session["user"] = name
        return "ok"

    @socketio.on("connect")
    def connect(auth):
        # Refuse anonymous sockets; the Flask session travels with the handshake cookie.
        if "user" not in session and not (auth or {}).get("token"):
            return False
        emit("welcome", {"user": session.get("user", "token-user")})

    @socketio.on("echo")
    def echo(data):
        emit("echo", data)
        return "ack:" + data["text"]

    @socketio.on("message")
    def message(text):
        send(text.upper())

    @socketio.on("join")
    def join(room):
        join_room(room)
        emit("joined", room, to=room)

    app.socketio = socketio
    return app


def test_connection_refused_without_login(app):
    client = app.socketio.test_client(app)
    assert not client.is_connected()


def test_flask_client_session_is_shared(app):
    flask_client = app.test_client()
    assert flask_client.get("/login/ann").get_data(as_text=True) == "ok"
    client = app.socketio.test_client(app, flask_test_client=flask_client)
    assert client.is_connected()
    [welcome] = client.get_received()
    assert welcome["name"] == "welcome"
    assert welcome["args"] == [{"user": "ann"}]
    client.disconnect()
    assert not client.is_connected()


def test_echo_and_ack(app):
    client = app.socketio.test_client(app, auth={"token": "x"})
    client.get_received()
    ack = client.emit("echo", {"text": "hi"}, callback=True)
    assert ack == "ack:hi"
    [received] = client.get_received()
    assert received["name"] == "echo"
    assert received["args"] == [{"text": "hi"}]

    client.send("shout")
    [received] = client.get_received()
    assert received["name"] == "message" and received["args"] == "SHOUT"


def test_rooms(app):
    a = app.socketio.test_client(app, auth={"token": "x"})
    b = app.socketio.test_client(app, auth={"token": "x"})
    a.get_received(), b.get_received()
    a.emit("join", "lobby")
    assert [m["args"] for m in a.get_received()] == [["lobby"]]
    assert b.get_received() == []
