"""Flask 2.0 renamed send_file's arguments and 2.2 removed the old names."""

from __future__ import annotations

from .._rule import Keywords


class FlaskSendFileArguments(Keywords):
    id = "flask-send-file-arguments"
    package = "flask"
    since = "2.2.0"
    summary = "send_file(attachment_filename, cache_timeout, add_etags), send_from_directory(filename) renamed"
    fixable = True
    callables = (
        "flask.send_file", "flask.helpers.send_file", "flask.send_from_directory", "flask.helpers.send_from_directory",
    )  # fmt: skip
    renamed = {"attachment_filename": "download_name", "cache_timeout": "max_age", "add_etags": "etag", "filename": "path", "filename_or_fp": "path_or_file"}


RULE = FlaskSendFileArguments()
