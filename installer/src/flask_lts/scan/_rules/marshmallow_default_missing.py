"""marshmallow 3.13 renamed the field arguments missing/default to
load_default/dump_default; 4.0 removed the old names."""

from __future__ import annotations

import ast

from .._rule import Keywords
from .._source import Module


def is_field(module: Module, call: ast.Call) -> bool:
    """A marshmallow field: marshmallow.fields.X(...) (or APIFlask's re-export), or X(...) on a Flask-Marshmallow object (ma.String)."""
    name = module.qualname(call.func) or ""
    if name.startswith(("marshmallow.fields.", "flask_marshmallow.fields.", "apiflask.fields.")):
        return True
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr[:1].isupper():
        owner = func.value
        if isinstance(owner, ast.Attribute) and owner.attr == "fields":
            return True
        return module.is_instance_of(owner, "flask_marshmallow.Marshmallow", names=("ma",))
    return False


class MarshmallowDefaultMissing(Keywords):
    id = "marshmallow-default-missing"
    package = "marshmallow"
    deprecated = "3.13.0"
    since = "4.0.0"
    summary = "fields.X(missing=, default=) are load_default=, dump_default="
    fixable = True
    renamed = {"missing": "load_default", "default": "dump_default"}

    def matches(self, module: Module, call: ast.Call) -> bool:
        return is_field(module, call)


RULE = MarshmallowDefaultMissing()
