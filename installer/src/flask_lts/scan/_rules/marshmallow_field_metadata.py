"""marshmallow 3.10 deprecated passing metadata as extra keyword arguments
(fields.String(description="...")); 4.0 removed it: use metadata={...}."""

from __future__ import annotations

from typing import Iterator

from .._rule import Hit, Rule, hit
from .._source import Module
from .marshmallow_default_missing import is_field

# Every argument a marshmallow 4 field accepts (Field and its subclasses); any other
# keyword was metadata.
KNOWN = {
    "load_default", "dump_default", "data_key", "attribute", "validate", "required", "allow_none", "load_only",
    "dump_only", "error_messages", "metadata", "missing", "default", "nested", "only", "exclude", "many", "unknown",
    "cls_or_instance", "keys", "values", "tuple_fields", "format", "timezone", "precision", "serialization_type",
    "places", "rounding", "allow_nan", "as_string", "strict", "truthy", "falsy", "relative", "absolute",
    "require_tld", "schemes", "serialize", "deserialize", "enum", "by_value", "pluck", "field_name", "inner",
    "naive", "default_timezone", "attribute_name", "dump_to", "load_from", "column", "related_keys", "data_key_name",
    "ordered", "partial", "context", "base_type", "type", "mode", "location", "exclude_none", "serialization_key",
}  # fmt: skip


class MarshmallowFieldMetadata(Rule):
    id = "marshmallow-field-metadata"
    package = "marshmallow"
    deprecated = "3.10.0"
    since = "4.0.0"
    summary = 'extra field keywords (description=, example=) must go in metadata={...}'
    triggers = ("fields", "ma.")

    def check(self, module: Module) -> Iterator[Hit]:
        if "marshmallow" not in module.source:
            return
        for call in module.calls:
            extra = [kw.arg for kw in call.keywords if kw.arg and kw.arg not in KNOWN]
            if extra and is_field(module, call):
                yield hit(call, f"{module.segment(call.func)}({', '.join(f'{k}=' for k in extra)}...)",
                          "metadata={" + ", ".join(f"{k!r}: ..." for k in extra) + "}")  # fmt: skip


RULE = MarshmallowFieldMetadata()
