"""marshmallow 4.0 removed fields.Nested("self"), the abstract fields Number and
Mapping as schema fields, pass_many, __version__, marshmallow.base and date helpers in
marshmallow.utils."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Hit, Moved, MovedNames, hit
from .._source import Module
from .marshmallow_default_missing import is_field

DECORATORS = ("pre_load", "post_load", "pre_dump", "post_dump", "validates_schema")
UTILS = {
    "from_iso_date": "datetime.date.fromisoformat", "from_iso_time": "datetime.time.fromisoformat",
    "from_iso_datetime": "datetime.datetime.fromisoformat", "isoformat": "value.isoformat()",
    "to_iso_time": "value.isoformat()", "to_iso_datetime": "value.isoformat()", "from_rfc": "email.utils.parsedate_to_datetime",
    "rfcformat": "email.utils.format_datetime", "is_keyed_tuple": "isinstance(x, tuple) and hasattr(x, '_fields')",
    "get_fixed_timezone": "datetime.timezone(datetime.timedelta(minutes=...))", "pprint": "pprint.pprint",
}  # fmt: skip


class MarshmallowRemovedAPI(MovedNames):
    id = "marshmallow-removed-api"
    package = "marshmallow"
    since = "4.0.0"
    summary = 'Nested("self"), fields.Number/Mapping, pass_many, __version__, marshmallow.base, utils date helpers'
    fixable = True
    triggers = ("marshmallow", "fields", "Nested", "Number", "Mapping", "pass_many")
    names = {
        **{f"marshmallow.utils.{name}": Moved("", instead) for name, instead in UTILS.items()},
        "marshmallow.__version__": Moved("", 'importlib.metadata.version("marshmallow")'),
        "marshmallow.__version_info__": Moved("", 'importlib.metadata.version("marshmallow")'),
        "marshmallow.__parsed_version__": Moved("", 'packaging.version.Version(importlib.metadata.version("marshmallow"))'),
        "marshmallow.base": Moved("", "marshmallow.schema.Schema / marshmallow.fields.Field"),
        "marshmallow.base.SchemaABC": Moved("marshmallow.schema.Schema"),
        "marshmallow.base.FieldABC": Moved("marshmallow.fields.Field"),
    }

    def check(self, module: Module) -> Iterator[Hit]:
        yield from super().check(module)
        for call in module.calls:
            name = module.qualname(call.func) or module.segment(call.func)
            short = name.rsplit(".", 1)[-1]
            if short == "Nested" and call.args and isinstance(call.args[0], ast.Constant) and call.args[0].value == "self":
                yield hit(call, 'fields.Nested("self")', "fields.Nested(lambda: ThisSchema())")
            elif short in ("Number", "Mapping") and is_field(module, call):
                yield hit(call, f"fields.{short}() as a field", "fields.Integer/Float/Decimal" if short == "Number" else "fields.Dict")
            elif short in DECORATORS and name.startswith(("marshmallow", short)):
                for kw in call.keywords:
                    if kw.arg == "pass_many":
                        yield hit(kw.value, f"@{short}(pass_many=...)", "pass_collection=...")


RULE = MarshmallowRemovedAPI()
