"""flask-lts scan rule flask-open-resource-encoding: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-open-resource-encoding"

BEFORE = '''def init_db():
    db = get_db()
    with current_app.open_resource("schema.sql", "r") as f:
        db.executescript(f.read())
    with app.open_instance_resource("settings.cfg", mode="rt") as f:
        return f.read()
'''

CLEAN = '''def init_db():
    db = get_db()
    with current_app.open_resource("schema.sql") as f:
        db.executescript(f.read().decode("utf8"))
    with current_app.open_resource("schema.sql", "r", encoding="latin-1") as f:
        return f.read()
'''


def test_finds_each_text_mode_open():
    assert lines(BEFORE, RULE) == [3, 5]


def test_leaves_binary_mode_and_a_given_encoding_alone():
    assert lines(CLEAN, RULE) == []
