"""marshmallow 4.0 removed the class Meta options ordered, json_module and additional,
and implicit fields (Meta.fields naming undeclared fields)."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import Hit, Rule, hit
from .._source import Module

OPTIONS = {
    "ordered": "nothing: fields keep their order (dict_class = OrderedDict if you need one)",
    "json_module": "render_module = ...",
    "additional": "declare the fields",
}


class MarshmallowMetaOptions(Rule):
    id = "marshmallow-meta-options"
    package = "marshmallow"
    since = "4.0.0"
    summary = "class Meta: ordered, json_module, additional are gone"
    triggers = tuple(OPTIONS)

    def check(self, module: Module) -> Iterator[Hit]:
        if "marshmallow" not in module.source and "ma." not in module.source:
            return
        for cls in module.classes:
            if cls.name != "Meta":
                continue
            for stmt in cls.body:
                if isinstance(stmt, ast.Assign):
                    for target in stmt.targets:
                        if isinstance(target, ast.Name) and target.id in OPTIONS:
                            yield hit(stmt, f"class Meta: {target.id} = ...", OPTIONS[target.id])


RULE = MarshmallowMetaOptions()
