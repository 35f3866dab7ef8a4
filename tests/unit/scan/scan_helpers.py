"""Run one rule of flask-lts scan on a piece of real code, as the rules' tests do."""

from __future__ import annotations

import sys
import textwrap

from conftest import ROOT

sys.path.insert(0, str(ROOT / "installer" / "src"))
from flask_lts.scan import CHANNELS, RULES, Selected, fix_source, scan_source, select_rules  # noqa: E402, F401
from flask_lts.scan._source import Module  # noqa: E402

BY_ID = {rule.id: rule for rule in RULES}


def selected(rule_id: str):
    rule = BY_ID[rule_id]
    return [Selected(rule, rule.kind, rule.since)]


def findings(source: str, rule_id: str):
    """The findings of rule `rule_id` in `source` (dedented), as if its change applied."""
    module = Module.parse(textwrap.dedent(source), "app.py")
    return scan_source(module, selected(rule_id))[0]


def lines(source: str, rule_id: str):
    return [f.line for f in findings(source, rule_id)]


def fixed(source: str, rule_id: str) -> str:
    """`source` (dedented) after `--fix` with rule `rule_id`; the result must parse."""
    module = Module.parse(textwrap.dedent(source), "app.py")
    text, _ = fix_source(module, selected(rule_id))
    compile(text, "app.py", "exec")
    return text


def dedent(text: str) -> str:
    return textwrap.dedent(text)


# Code that sets a SERVER_NAME which is not an app's configuration: a pytest plugin's fixture
# (pytest-flask's live_server builds URLs to itself) and the WSGI environ's key (Werkzeug's
# ProxyFix). The SERVER_NAME rules leave both alone.
NOT_APP_SERVER_NAME = {
    "pytest_flask/fixtures.py": """import pytest


@pytest.fixture
def live_server(app, port):
    app.config["SERVER_NAME"] = f"localhost:{port}"
    app.config.update(SERVER_NAME="localhost")
    yield app
""",
    "werkzeug/middleware/proxy_fix.py": 'environ["HTTP_HOST"] = environ["SERVER_NAME"] = x_host\n',
}
