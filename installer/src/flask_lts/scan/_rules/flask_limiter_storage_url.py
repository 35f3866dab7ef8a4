"""Flask-Limiter 3.0 removed the RATELIMIT_STORAGE_URL config key (documented as
deprecated since 2.0.4, without a warning): RATELIMIT_STORAGE_URI is read instead, so the
old key is silently ignored and the limits fall back to in-memory storage."""

from __future__ import annotations

import ast
from typing import Iterator, Optional

from .._rule import Edit, Hit, Rule, dotted, hit
from .._source import Module

OLD, NEW = "RATELIMIT_STORAGE_URL", "RATELIMIT_STORAGE_URI"
ENVIRONMENT = ("os.environ", "os.getenv", "os.environ.get", "environ", "getenv", "environ.get")


class FlaskLimiterStorageURL(Rule):
    id = "flask-limiter-storage-url"
    package = "flask-limiter"
    since = "3.0.0"
    summary = "the RATELIMIT_STORAGE_URL config key is ignored: RATELIMIT_STORAGE_URI"
    fixable = True
    triggers = (OLD,)

    def check(self, module: Module) -> Iterator[Hit]:
        message = f"config {OLD} (ignored: limits fall back to memory://)"
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Subscript) and _is_old(_key(node)):
                if dotted(node.value) in ENVIRONMENT:
                    continue  # an environment variable of that name, read into the config
                yield self._string(module, _key(node), message, safe=_is_config(node.value))  # type: ignore[arg-type]
            elif isinstance(node, ast.Dict):
                for key in node.keys:
                    if key is not None and _is_old(key):
                        yield self._string(module, key, message, safe=True)  # type: ignore[arg-type]
            elif isinstance(node, ast.Call):
                func = node.func
                if node.args and _is_old(node.args[0]) and dotted(func) not in ENVIRONMENT:
                    safe = isinstance(func, ast.Attribute) and func.attr in ("get", "setdefault", "pop") and _is_config(func.value)
                    yield self._string(module, node.args[0], message, safe=safe)  # type: ignore[arg-type]
                given = {kw.arg for kw in node.keywords}
                for kw in node.keywords:
                    if kw.arg == OLD:  # app.config.update(RATELIMIT_STORAGE_URL=...)
                        span = module.keyword_span(node, kw)
                        edits = (Edit(span[0], span[1], NEW),) if span and NEW not in given else ()
                        yield hit(kw.value, message, f"{NEW}=...", edits)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and target.id == OLD:
                        # A config class or module attribute: code elsewhere may read it by
                        # this name, so it is not renamed here.
                        yield hit(target, message, f"{NEW} = ...")

    def _string(self, module: Module, node: ast.Constant, message: str, safe: bool) -> Hit:
        quote = module.source[module.span(node)[0]]
        start, end = module.span(node)
        edits = (Edit(start, end, f"{quote}{NEW}{quote}"),) if safe and module.source[start:end] in (f"'{OLD}'", f'"{OLD}"') else ()
        return hit(node, message, repr(NEW), edits)


def _key(node: ast.Subscript) -> Optional[ast.AST]:
    return node.slice.value if isinstance(node.slice, getattr(ast, "Index", ())) else node.slice  # type: ignore[attr-defined]


def _is_old(node: Optional[ast.AST]) -> bool:
    return isinstance(node, ast.Constant) and node.value == OLD


def _is_config(node: ast.AST) -> bool:
    """app.config, current_app.config, self.config, config: a Flask config mapping."""
    name = dotted(node)
    return name == "config" or name.endswith(".config")


RULE = FlaskLimiterStorageURL()
