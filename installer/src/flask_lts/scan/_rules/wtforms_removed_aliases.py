"""WTForms 3.0 removed TextField, the Required validator, wtforms.fields.html5 and
wtforms.ext."""

from __future__ import annotations

from .._rule import Moved, MovedNames

HTML5 = ("DateField", "DateTimeField", "DateTimeLocalField", "DecimalField", "DecimalRangeField", "EmailField",
         "IntegerField", "IntegerRangeField", "SearchField", "TelField", "URLField")  # fmt: skip


class WTFormsRemovedAliases(MovedNames):
    id = "wtforms-removed-aliases"
    package = "wtforms"
    since = "3.0.0"
    summary = "TextField -> StringField, Required -> DataRequired, wtforms.fields.html5 -> wtforms.fields"
    fixable = True
    names = {
        "wtforms.TextField": Moved("wtforms.StringField"),
        "wtforms.fields.TextField": Moved("wtforms.fields.StringField"),
        "wtforms.validators.Required": Moved("wtforms.validators.DataRequired"),
        "wtforms.validators.required": Moved("wtforms.validators.DataRequired"),
        **{f"wtforms.fields.html5.{name}": Moved(f"wtforms.fields.{name}") for name in HTML5},
    }


RULE = WTFormsRemovedAliases()
