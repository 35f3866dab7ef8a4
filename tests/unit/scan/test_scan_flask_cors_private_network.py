"""flask-lts scan rule flask-cors-private-network: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-cors-private-network"

BEFORE = '''from flask_cors import CORS

CORS(app)

def test_private_network(client):
    resp = client.options("/", headers={"Access-Control-Request-Private-Network": "true"})
    assert resp.headers["Access-Control-Allow-Private-Network"] == "true"
'''

CLEAN = '''from flask_cors import CORS

CORS(app, allow_private_network=True)

def test_private_network(client):
    resp = client.options("/", headers={"Access-Control-Request-Private-Network": "true"})
    assert resp.headers["Access-Control-Allow-Private-Network"] == "true"
'''


def test_finds_the_expected_header():
    assert lines(BEFORE, RULE) == [7]


def test_leaves_code_that_asks_for_it_alone():
    assert lines(CLEAN, RULE) == []
