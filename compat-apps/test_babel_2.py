"""Flask-Babel 2.x (the 2022 channel): a catalog compiled at test time; translations and dates
under two locales."""

REQUIRES = ["flask-babel<3.0"]  # the @babel.localeselector decorator: gone in 3.0
VARIANT_OF = "test_babel.py"  # the same app, written the way Flask-Babel 2.x's docs show

import io
from datetime import date, datetime

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, jsonify, render_template_string, request
from flask_babel import Babel, format_date, format_decimal, gettext, lazy_gettext, ngettext

PO_DE = r'''
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "Hello"
msgstr "Hallo"

msgid "Welcome, %(name)s!"
msgstr "Willkommen, %(name)s!"

msgid "%(num)d apple"
msgid_plural "%(num)d apples"
msgstr[0] "%(num)d Apfel"
msgstr[1] "%(num)d Äpfel"
'''

TITLE = lazy_gettext("Hello")


def compile_catalog(root, locale, po_text):
    catalog = read_po(io.StringIO(po_text), locale=locale)
    target = root / locale / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "messages.mo", "wb") as f:
        write_mo(f, catalog)


@pytest.fixture
def client(tmp_path):
    compile_catalog(tmp_path / "translations", "de", PO_DE)
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(tmp_path / "translations")
    babel = Babel(app)

    @babel.localeselector
    def get_locale():
        return request.args.get("lang", "en")

    @app.route("/")
    def index():
        return jsonify({
            "hello": gettext("Hello"),
            "welcome": gettext("Welcome, %(name)s!", name="Ann"),
            "one": ngettext("%(num)d apple", "%(num)d apples", 1),
            "many": ngettext("%(num)d apple", "%(num)d apples", 3),
            "lazy": str(TITLE),
            "date": format_date(date(2024, 3, 5)),
            "long_date": format_date(date(2024, 3, 5), "long"),
            "number": format_decimal(1234.5),
        })

    @app.route("/page")
    def page():
        return render_template_string("{{ _('Hello') }} {{ datetime | dateformat('short') }}", datetime=datetime(2024, 3, 5))

    return app.test_client()


def test_english_is_the_source(client):
    data = client.get("/?lang=en").get_json()
    assert data == {
        "hello": "Hello",
        "welcome": "Welcome, Ann!",
        "one": "1 apple",
        "many": "3 apples",
        "lazy": "Hello",
        "date": "Mar 5, 2024",
        "long_date": "March 5, 2024",
        "number": "1,234.5",
    }


def test_german_uses_the_compiled_catalog(client):
    data = client.get("/?lang=de").get_json()
    assert data == {
        "hello": "Hallo",
        "welcome": "Willkommen, Ann!",
        "one": "1 Apfel",
        "many": "3 Äpfel",
        "lazy": "Hallo",
        "date": "05.03.2024",
        "long_date": "5. März 2024",
        "number": "1.234,5",
    }


def test_jinja_helpers(client):
    assert client.get("/page?lang=en").get_data(as_text=True) == "Hello 3/5/24"
    assert client.get("/page?lang=de").get_data(as_text=True) == "Hallo 05.03.24"
