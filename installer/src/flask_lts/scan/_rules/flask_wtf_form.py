"""Flask-WTF 0.13 renamed Form to FlaskForm and 1.0 removed the old name; the
reCAPTCHA classes live in flask_wtf (flask_wtf.recaptcha)."""

from __future__ import annotations

from .._rule import Moved, MovedNames


class FlaskWTFForm(MovedNames):
    id = "flask-wtf-form"
    package = "flask-wtf"
    since = "1.0.0"
    summary = "flask_wtf.Form is FlaskForm"
    fixable = True
    names = {"flask_wtf.Form": Moved("flask_wtf.FlaskForm"), "flask_wtf.form.Form": Moved("flask_wtf.form.FlaskForm")}


RULE = FlaskWTFForm()
