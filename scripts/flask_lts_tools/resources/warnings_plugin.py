"""pytest plugin used by the verifier inside target environments (stdlib + pytest):
records every warning raised during collection and tests into the JSON file named
by FLASK_LTS_WARNINGS_FILE, so warnings can be reported per package and origin.

Suites run under the pytest of their own era, so the hook depends on pytest's age:
`pytest_warning_recorded` since pytest 6.0, `pytest_warning_captured` before it
(and removed in pytest 8, where defining it would be an unknown-hook error)."""

import json
import os

import pytest

_records = []


def _record(warning_message, when, nodeid):
    _records.append(
        {
            "category": warning_message.category.__name__,
            "message": str(warning_message.message),
            "filename": warning_message.filename,
            "lineno": warning_message.lineno,
            "when": when,
            "nodeid": nodeid,
        }
    )


if int(pytest.__version__.split(".")[0]) >= 6:

    def pytest_warning_recorded(warning_message, when, nodeid, location):
        _record(warning_message, when, nodeid)

else:

    def pytest_warning_captured(warning_message, when, item):
        _record(warning_message, when, item.nodeid if item is not None else "")


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("FLASK_LTS_WARNINGS_FILE")
    if path:
        with open(path, "w") as handle:
            json.dump(_records, handle)
