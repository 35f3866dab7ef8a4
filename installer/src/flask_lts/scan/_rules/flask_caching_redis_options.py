"""Flask-Caching 2.4.0 passes CACHE_OPTIONS to `redis.from_url()` when CACHE_REDIS_URL is
set (and takes them out of the cache's own arguments). Source: CHANGES.rst, Version
2.4.0: "Pass CACHE_OPTIONS as kwargs to redis_from_url. :pr:`591`"."""

from __future__ import annotations

import ast
from typing import Iterator

from .._rule import CHANGED, Hit, Rule, hit
from .._source import Module


class FlaskCachingRedisOptions(Rule):
    id = "flask-caching-redis-options"
    package = "flask-caching"
    since = "2.4.0"
    kind = CHANGED
    summary = "with CACHE_REDIS_URL, CACHE_OPTIONS go to redis.from_url() (the Redis client), not to the cache"
    triggers = ("CACHE_OPTIONS",)

    def check(self, module: Module) -> Iterator[Hit]:
        if "CACHE_REDIS_URL" not in module.source:
            return
        instead = "only redis client arguments in CACHE_OPTIONS (socket_timeout=..., ssl_cert_reqs=...)"
        for node in module.strings.get("CACHE_OPTIONS", ()):
            yield hit(node, "CACHE_OPTIONS with CACHE_REDIS_URL are passed to redis.from_url()", instead)
        for node in module.names.get("CACHE_OPTIONS", ()):
            if isinstance(node.ctx, ast.Store):
                yield hit(node, "CACHE_OPTIONS with CACHE_REDIS_URL are passed to redis.from_url()", instead)


RULE = FlaskCachingRedisOptions()
