"""Flask-Migrate + Alembic through the real `flask db` command line, on SQLite in tmp_path."""

REQUIRES = ["flask-migrate", "alembic", "flask-sqlalchemy", "sqlalchemy"]

import importlib.metadata
import os
import re
import sqlite3
import subprocess
import sys
import textwrap
import warnings

import pytest

# `flask db check` came with Flask-Migrate 4.0; older sets still run the rest of the module.
FLASK_MIGRATE_4 = int(importlib.metadata.version("flask-migrate").split(".")[0]) >= 4

APP = textwrap.dedent(
    """
    from flask import Flask
    from flask_sqlalchemy import SQLAlchemy
    from flask_migrate import Migrate

    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = {uri!r}
    db = SQLAlchemy(app)
    migrate = Migrate(app, db)


    class Book(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        title = db.Column(db.String(120), nullable=False, index=True)
    """
)


_reported = set()


def cause(stderr):
    """The exception the child ended with (its last `...Error: ...` line), so that the
    report's one-line summary names it rather than the DeprecationWarnings printed before it
    (Flask-Migrate 2.5.3 with Alembic 1.14: `TypeError: current() got an unexpected keyword
    argument 'head_only'` came after a page of them)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if re.match(r"[\w.]*(Error|Exception)\b", line)]
    return (errors or lines or ["(no output)"])[-1]


def flask_db(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env["PYTHONPATH"] = str(tmp_path)
    env["FLASK_APP"] = "blog"  # the variable every Flask reads (`--app` came in 2.2)
    proc = subprocess.run(
        # -W default: let the child report DeprecationWarnings so they reach this run's summary.
        [sys.executable, "-W", "default::DeprecationWarning", "-m", "flask", "db", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    for line in proc.stderr.replace(str(tmp_path), "<tmp>").splitlines():
        if "DeprecationWarning" in line and line not in _reported:
            _reported.add(line)
            warnings.warn(f"from `flask db {args[0]}`: {line.strip()}", DeprecationWarning)
    assert proc.returncode == 0, f"flask db {' '.join(args)} exited {proc.returncode}: {cause(proc.stderr)}\n{proc.stdout}\n{proc.stderr}"
    return proc


def tables(db_path):
    with sqlite3.connect(db_path) as conn:
        return {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}


def test_init_migrate_upgrade_downgrade(tmp_path):
    db_path = tmp_path / "blog.db"
    (tmp_path / "blog.py").write_text(APP.format(uri=f"sqlite:///{db_path}"))

    flask_db(tmp_path, "init")
    assert (tmp_path / "migrations" / "env.py").is_file()
    assert (tmp_path / "migrations" / "alembic.ini").is_file()

    flask_db(tmp_path, "migrate", "-m", "create book")
    [script] = list((tmp_path / "migrations" / "versions").glob("*create_book.py"))
    source = script.read_text()
    assert "op.create_table('book'" in source or 'op.create_table("book"' in source
    assert "create_index" in source

    flask_db(tmp_path, "upgrade")
    assert {"book", "alembic_version"} <= tables(db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute("insert into book (title) values ('Dune')")
        [(rev,)] = conn.execute("select version_num from alembic_version").fetchall()
    assert rev in script.name

    current = flask_db(tmp_path, "current")
    assert rev in current.stdout

    flask_db(tmp_path, "downgrade")
    assert "book" not in tables(db_path)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from alembic_version").fetchone() == (0,)


@pytest.mark.skipif(not FLASK_MIGRATE_4, reason="`flask db check` needs Flask-Migrate 4.0")
def test_migrate_detects_no_changes_after_upgrade(tmp_path):
    db_path = tmp_path / "blog.db"
    (tmp_path / "blog.py").write_text(APP.format(uri=f"sqlite:///{db_path}"))
    flask_db(tmp_path, "init")
    flask_db(tmp_path, "migrate")
    flask_db(tmp_path, "upgrade")
    # `flask db check` exists since Flask-Migrate 4.0 (Alembic 1.9): schema matches the models.
    flask_db(tmp_path, "check")
