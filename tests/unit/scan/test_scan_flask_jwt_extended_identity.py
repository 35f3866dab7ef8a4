"""flask-lts scan rule flask-jwt-extended-identity: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-jwt-extended-identity"

BEFORE = '''from flask_jwt_extended import create_access_token, create_refresh_token

@app.post("/login")
def login():
    user = authenticate(request.json)
    access = create_access_token(identity=user.id)
    refresh = create_refresh_token(user.id)
    admin = create_access_token(identity={"id": user.id, "role": "admin"})
    return {"access": access, "refresh": refresh}
'''

CLEAN = '''from flask_jwt_extended import create_access_token

@app.post("/login")
def login():
    user = authenticate(request.json)
    return {"access": create_access_token(identity=str(user.id)), "named": create_access_token(identity=user.username)}
'''

LOADER = '''from flask_jwt_extended import create_access_token

@jwt.user_identity_loader
def user_identity_lookup(user):
    return str(user.id)

token = create_access_token(identity=user.id)
'''


def test_finds_each_non_string_identity():
    assert lines(BEFORE, RULE) == [6, 7, 8]


def test_leaves_strings_alone():
    assert lines(CLEAN, RULE) == []


def test_leaves_apps_with_an_identity_loader_alone():
    assert lines(LOADER, RULE) == []
