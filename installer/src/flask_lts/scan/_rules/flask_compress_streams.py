"""Flask-Compress 1.13 compresses streamed responses again, behind COMPRESS_STREAMS, on by
default; until 1.21 it does so in one sitting (`response.get_data()`), so a streamed
response (server-sent events, a long download) is buffered whole before it is sent.
Source: CHANGELOG.md, 1.13: "Re-enable compression for streaming, but hide it behind a
new option `COMPRESS_STREAMS` that defaults to `True`" (and 1.21: "streaming responses
were compressed in 1 sitting ... compressed but not streamed")."""

from __future__ import annotations

from typing import Iterator

from .._rule import CHANGED, Hit, Rule, dotted, hit
from .._source import Module


class FlaskCompressStreams(Rule):
    id = "flask-compress-streams"
    package = "flask-compress"
    since = "1.13"
    kind = CHANGED
    summary = "streamed responses are compressed (COMPRESS_STREAMS defaults to True) and, before 1.21, buffered whole"
    triggers = ("stream_with_context", "mimetype", "text/event-stream")

    def check(self, module: Module) -> Iterator[Hit]:
        if "flask_compress" not in module.source or "COMPRESS_STREAMS" in module.source:
            return
        instead = "COMPRESS_STREAMS = False, or @compress.exempt on the streaming view"
        for call in module.calls:
            if dotted(call.func).split(".")[-1] == "stream_with_context":
                yield hit(call, "a streamed response under Flask-Compress", instead)
        for node in module.strings.get("text/event-stream", ()):
            yield hit(node, "a text/event-stream response under Flask-Compress", instead)


RULE = FlaskCompressStreams()
