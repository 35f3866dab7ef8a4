"""flask-lts scan rule flask-socketio-unsafe-werkzeug: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-socketio-unsafe-werkzeug"

BEFORE = '''from flask_socketio import SocketIO

io = SocketIO(app)

if __name__ == "__main__":
    io.run(app, host="0.0.0.0", port=5000)
'''

CLEAN = '''from flask_socketio import SocketIO

io = SocketIO(app)

if __name__ == "__main__":
    io.run(app, debug=True)
    io.run(app, host="0.0.0.0", allow_unsafe_werkzeug=True)
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [6]


def test_leaves_debug_and_explicit_runs_alone():
    assert lines(CLEAN, RULE) == []
