"""flask-lts scan rule sqlalchemy-row-mapping: what it finds in real code, and what it leaves alone."""

from scan_helpers import dedent, fixed, lines

RULE = "sqlalchemy-row-mapping"

# SQLAlchemy 1.x code as apps wrote it: text() on a connection of an engine made here,
# raw SQL through Flask-SQLAlchemy's session, rows looped over and fetched one by one.
BEFORE = '''from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import create_engine, text

db = SQLAlchemy()
engine = create_engine(DATABASE_URL)

def user_names():
    with engine.connect() as conn:
        result = conn.execute(text("SELECT id, name FROM users"))
        return [row["name"] for row in result]

def count_users():
    row = db.session.execute(text("SELECT COUNT(*) AS total FROM users")).fetchone()
    return row["total"]

def latest(session):
    rows = session.execute("SELECT * FROM posts ORDER BY id DESC").fetchall()
    return rows[0]["title"]
'''

AFTER = '''from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import create_engine, text

db = SQLAlchemy()
engine = create_engine(DATABASE_URL)

def user_names():
    with engine.connect() as conn:
        result = conn.execute(text("SELECT id, name FROM users"))
        return [row._mapping["name"] for row in result]

def count_users():
    row = db.session.execute(text("SELECT COUNT(*) AS total FROM users")).fetchone()
    return row._mapping["total"]

def latest(session):
    rows = session.execute("SELECT * FROM posts ORDER BY id DESC").fetchall()
    return rows[0]["title"]
'''

# sqlite3 and DB-API cursors (rows are dicts or sqlite3.Row there), dicts, mappings(),
# a name that holds a row in one place and a dict in another, and two real Flask views:
# rows turned into dicts (dict(row)), and 2.0-style attribute access.
CLEAN = '''import sqlite3
from sqlalchemy import text

def count(conn):
    return conn.execute("SELECT COUNT(*) AS c FROM paragraphs").fetchone()["c"]

def member_count(cur):
    cur.execute("SELECT COUNT(*) as member_count FROM users")
    return cur.fetchone()["member_count"]

def mapped(session):
    return session.execute(text("SELECT name FROM users")).mappings().first()["name"]

def mixed(session, payload):
    item = session.execute(text("SELECT name FROM users")).first()
    item = payload
    return item["name"]

def new_style(session):
    row = session.execute(text("SELECT name FROM users")).first()
    return row._mapping["name"], row.name

def search_video(topic):
    result = []
    for word in topic.split():
        term = "%" + word + "%"
        response = db.engine.execute(
            "SELECT * FROM video_meta_data WHERE title LIKE (?) OR description LIKE (?)",
            (term, term))
        if response:
            result = result + [dict(row) for row in response]
    result = list({item['id']: item for item in result}.values())

def index():
    rows = db.session.execute(text("SELECT a.id, a.name FROM article a"), {'wid': 1}).fetchall()
    changes = []
    for row in rows:
        changes.append({'db_id': row.id, 'name': row.name})
    for c in changes:
        print(c['db_id'])
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [10, 14, 18]


def test_leaves_other_rows_and_dicts_alone():
    assert lines(CLEAN, RULE) == []


def test_fix_only_where_the_row_is_surely_sqlalchemys():
    # A `session` argument is only likely SQLAlchemy's (Cassandra's has execute() too,
    # with dict rows): reported, not rewritten.
    assert fixed(BEFORE, RULE) == dedent(AFTER)
    assert fixed(AFTER, RULE) == AFTER
