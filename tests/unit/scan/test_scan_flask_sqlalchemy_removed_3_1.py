"""flask-lts scan rule flask-sqlalchemy-removed-3-1: what it finds in real code, and what it leaves alone."""

from scan_helpers import fixed, lines

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


# flask-msearch 0.2.9 and Flask-SQLAlchemy 2.x code that annotates with the package's classes.
MOVED = '''from flask_sqlalchemy import Pagination, models_committed
from flask_sqlalchemy import Model, SQLAlchemy

def paginate(items) -> Pagination:
    return items
models_committed.connect(index_changes)
'''

MOVED_AFTER = '''from flask_sqlalchemy.pagination import Pagination
from flask_sqlalchemy.track_modifications import models_committed
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.model import Model

def paginate(items) -> Pagination:
    return items
models_committed.connect(index_changes)
'''


def test_moves_the_top_level_names_3_0_deprecated():
    assert lines(MOVED, RULE) == [1, 1, 2]
    assert fixed(MOVED, RULE) == MOVED_AFTER
    assert lines(MOVED_AFTER, RULE) == []


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
