"""Flask-WTF + WTForms: a CSRF-protected form posted with and without its token."""

REQUIRES = ["flask-wtf", "wtforms"]

import re

import pytest
from flask import Flask, render_template_string
from flask_wtf import CSRFProtect, FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange

PAGE = """
<form method="post">
  {{ form.csrf_token }}
  {{ form.name.label }} {{ form.name(size=20) }}
  {{ form.age() }}
  {% for field, errors in form.errors.items() %}{% for e in errors %}<p class="error">{{ field }}: {{ e }}</p>{% endfor %}{% endfor %}
</form>
"""


class SignupForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=10)])
    age = IntegerField("Age", validators=[NumberRange(min=0, max=150)])


@pytest.fixture
def app():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", TESTING=True)

    @app.route("/signup", methods=["GET", "POST"])
    def signup():
        form = SignupForm()
        if form.validate_on_submit():
            return f"welcome {form.name.data} ({form.age.data})"
        return render_template_string(PAGE, form=form)

    return app


def csrf_token(client, url):
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, html
    return match.group(1) or match.group(2)


def test_valid_post_with_token(app):
    client = app.test_client()
    token = csrf_token(client, "/signup")
    resp = client.post("/signup", data={"csrf_token": token, "name": "ann", "age": "30"})
    assert resp.status_code == 200
    assert resp.get_data(as_text=True) == "welcome ann (30)"


def test_missing_token_is_a_form_error(app):
    client = app.test_client()
    client.get("/signup")
    resp = client.post("/signup", data={"name": "ann", "age": "30"})
    assert resp.status_code == 200
    assert "csrf_token: The CSRF token is missing." in resp.get_data(as_text=True)


def test_field_validation_errors(app):
    client = app.test_client()
    token = csrf_token(client, "/signup")
    resp = client.post("/signup", data={"csrf_token": token, "name": "", "age": "200"})
    assert "name: This field is required." in resp.get_data(as_text=True)
    assert '<p class="error">age:' in resp.get_data(as_text=True)
    assert "welcome" not in resp.get_data(as_text=True)


def test_token_from_another_session_is_rejected(app):
    token = csrf_token(app.test_client(), "/signup")
    other = app.test_client()
    other.get("/signup")
    resp = other.post("/signup", data={"csrf_token": token, "name": "ann", "age": "1"})
    assert "welcome" not in resp.get_data(as_text=True)
    assert "csrf_token:" in resp.get_data(as_text=True)


def test_csrfprotect_rejects_post_without_token_with_400(app):
    CSRFProtect(app)

    @app.route("/api/ping", methods=["POST"])
    def ping():
        return "pong"

    client = app.test_client()
    resp = client.post("/api/ping")
    assert resp.status_code == 400
    assert "The CSRF token is missing." in resp.get_data(as_text=True)

    token = csrf_token(client, "/signup")
    assert client.post("/api/ping", headers={"X-CSRFToken": token}).get_data(as_text=True) == "pong"
