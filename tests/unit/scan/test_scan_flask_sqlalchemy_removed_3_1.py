"""flask-lts scan rule flask-sqlalchemy-removed-3-1: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-sqlalchemy-removed-3-1"

BEFORE = '''from flask_sqlalchemy import BaseQuery, SQLAlchemy, get_debug_queries

class SoftDeleteQuery(BaseQuery):
    pass

db = SQLAlchemy(query_class=SoftDeleteQuery)
tables = db.get_tables_for_bind("users")
'''

CLEAN = '''from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.query import Query
engine = db.engines["users"]
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [1, 1, 7]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
