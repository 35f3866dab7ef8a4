"""pytest plugin used by the verifier inside target environments (stdlib + pytest):
records every warning raised during collection and tests into the JSON file named
by FLASK_LTS_WARNINGS_FILE, so warnings can be reported per package and origin."""

import json
import os

_records = []


def pytest_warning_recorded(warning_message, when, nodeid, location):
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


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("FLASK_LTS_WARNINGS_FILE")
    if path:
        with open(path, "w") as handle:
            json.dump(_records, handle)
