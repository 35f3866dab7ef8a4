"""flask-lts scan rule flask-compress-streams: what it finds in real code, and what it leaves alone."""

from scan_helpers import lines

RULE = "flask-compress-streams"

BEFORE = '''from flask import Response, stream_with_context
from flask_compress import Compress

compress = Compress(app)

@app.route("/events")
def events():
    return Response(stream_with_context(generate()), mimetype="text/event-stream")
'''

CLEAN = '''from flask import Response, stream_with_context
from flask_compress import Compress

app.config["COMPRESS_STREAMS"] = False
compress = Compress(app)

@app.route("/events")
def events():
    return Response(stream_with_context(generate()), mimetype="text/event-stream")
'''


def test_finds_each_streamed_response():
    assert lines(BEFORE, RULE) == [8, 8]


def test_leaves_apps_that_chose_alone():
    assert lines(CLEAN, RULE) == []
