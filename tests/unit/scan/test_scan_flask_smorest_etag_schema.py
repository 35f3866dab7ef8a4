"""flask-lts scan rule flask-smorest-etag-schema: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-smorest-etag-schema"

BEFORE = '''from flask_smorest import Blueprint

blp = Blueprint("pets", __name__)

@blp.route("/")
@blp.etag(PetSchema(many=True))
@blp.response(200, PetSchema(many=True))
def get_pets():
    return Pet.query.all()
'''

CLEAN = '''from flask_smorest import Blueprint

blp = Blueprint("pets", __name__)

@blp.route("/")
@blp.etag
@blp.response(200, PetSchema(many=True))
def get_pets():
    return Pet.query.all()
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [6]


def test_leaves_the_bare_decorator_alone():
    assert lines(CLEAN, RULE) == []
