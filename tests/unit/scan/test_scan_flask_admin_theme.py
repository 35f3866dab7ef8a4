"""flask-lts scan rule flask-admin-theme: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-admin-theme"

BEFORE = '''from flask_admin import Admin
admin = Admin(app, name="shop", template_mode="bootstrap3")
app.config["FLASK_ADMIN_SWATCH"] = "cerulean"
'''

CLEAN = '''from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
admin = Admin(app, name="shop", theme=Bootstrap4Theme(swatch="cerulean"))
'''


def test_finds_each_use():
    assert lines(BEFORE, RULE) == [2, 3]


def test_leaves_the_new_spelling_alone():
    assert lines(CLEAN, RULE) == []
