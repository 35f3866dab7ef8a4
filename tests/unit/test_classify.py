"""The failure classes of verify/_classify.py, on real failing tests (tests/data/failures/cases.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from flask_lts_tools.verify._classify import (
    BREAK, ENVIRONMENT, HARNESS, KINDS, cause, classify, helper_names, parse, same_cause,
)  # fmt: skip
from flask_lts_tools.verify._model import Problem
from flask_lts_tools.verify._pytest import split_counted

CASES = tomllib.loads((Path(__file__).parents[1] / "data" / "failures" / "cases.toml").read_text())["case"]

# What the environments of those runs held: the testing helpers of click, Werkzeug and Flask
# as they define them (read from their real sources by helper_names in the test below).
HELPERS = {
    "CliRunner": "click.testing", "Result": "click.testing", "EnvironBuilder": "werkzeug.test",
    "Client": "werkzeug.test", "TestResponse": "werkzeug.test", "FlaskClient": "flask.testing",
    "FlaskCliRunner": "flask.testing",
}  # fmt: skip
PROVIDED = {"flask", "werkzeug", "click", "jinja2", "markupsafe", "itsdangerous", "blinker", "sqlalchemy", "flask_sqlalchemy", "flask_login", "limits", "flask_limiter", "flask_caching", "cachelib", "redis"}
PINS = ["flask", "werkzeug", "click", "jinja2", "markupsafe", "itsdangerous", "blinker", "sqlalchemy", "flask-sqlalchemy", "flask-login"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_real_failures_get_their_class(case):
    verdict = classify(case["text"], HELPERS, PROVIDED, PINS, case.get("captured", ""))
    assert (verdict.kind, verdict.rule) == (case["kind"], case["rule"]), case["source"]


def test_every_case_names_its_source_and_a_known_class():
    for case in CASES:
        assert case["kind"] in KINDS and case["source"].strip() and "/tmp/" not in case["text"] and "/root/" not in case["text"]


def test_each_rule_has_a_real_case():
    rules = {c["rule"] for c in CASES if c["kind"] != BREAK}
    assert {
        "testing-helper", "warnings-assertion", "private-internals", "fixture-absent", "optional-module-absent", "network",
        "service", "service-logged", "space-variant-only", "optional-module-absent-logged",
    } <= rules  # fmt: skip
    assert any(c["kind"] == BREAK for c in CASES)


def test_a_diff_beyond_the_kind_of_space_stays_a_break():
    # The Flask-Babel case, had the locale data changed the words too (CLDR 26's added comma
    # after the year once did): the formatted text differs, not its typography.
    case = next(c for c in CASES if c["rule"] == "space-variant-only")
    text = case["text"].replace("+ Apr 12, 2010, 1:46:00\u202fPM", "+ Apr 12 2010, 1:46:00\u202fPM")
    assert text != case["text"]
    assert classify(text, HELPERS, PROVIDED, PINS).kind == BREAK


def test_a_bad_call_the_package_makes_itself_stays_a_break():
    # The same TypeError as the click 8.2 case, but raised in Flask's code (flask/testing.py)
    # with a keyword the test did not write: Flask's test client broken, which users meet.
    text = """def test_client(app):
>       client.get("/")

tests/test_app.py:12: 
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

    def get(self, *args, **kw):
>       builder = EnvironBuilder(self.application, as_tuple=True, *args, **kw)
E       TypeError: EnvironBuilder.__init__() got an unexpected keyword argument 'as_tuple'

<venv>/lib/python3.11/site-packages/flask/testing.py:88: TypeError
"""
    assert classify(text, HELPERS, PROVIDED, PINS).kind == BREAK
    tb = parse(text)
    assert [f.module for f in tb.frames] == [None, "flask.testing"]
    assert tb.exception == "TypeError"


def test_the_private_attribute_rule_needs_the_test_to_name_it():
    base = """    def test_remember(client):
>       {line}
E       AttributeError: 'LoginManager' object has no attribute '_load_user'

tests/test_login.py:40: AttributeError
"""
    assert classify(base.format(line="client.application.login_manager._load_user()"), HELPERS, PROVIDED, PINS).rule == "private-internals"
    assert classify(base.format(line="client.get('/secret')"), HELPERS, PROVIDED, PINS).kind == BREAK


def test_a_missing_module_is_environment_only_when_the_set_does_not_claim_it():
    text = """>   import {name}
E   ModuleNotFoundError: No module named '{name}'

tests/test_backends.py:3: ModuleNotFoundError
"""
    assert classify(text.format(name="pylibmc"), HELPERS, PROVIDED, PINS).kind == ENVIRONMENT
    # werkzeug is a pin of the set: a module of it that is gone is a break
    assert classify(text.format(name="werkzeug.contrib"), HELPERS, PROVIDED, PINS).kind == BREAK


def test_an_assertion_about_the_code_stays_a_break():
    text = """    def test_index(client):
        rv = client.get("/")
>       assert rv.status_code == 200
E       assert 500 == 200
E        +  where 500 = <WrapperTestResponse streamed [500 INTERNAL SERVER ERROR]>.status_code

tests/test_app.py:9: AssertionError
"""
    assert classify(text, HELPERS, PROVIDED, PINS).kind == BREAK


def test_helper_names_come_from_the_installed_helpers_and_leave_the_own_package_out(tmp_path):
    site = tmp_path / "site-packages"
    (site / "click").mkdir(parents=True)
    (site / "click" / "testing.py").write_text("class CliRunner:\n    pass\n\ndef _private():\n    pass\n")
    (site / "flask").mkdir()
    (site / "flask" / "testing.py").write_text("class FlaskClient:\n    pass\n")
    (site / "flask" / "app.py").write_text("class Flask:\n    pass\n")
    assert helper_names([site]) == {"CliRunner": "click.testing", "FlaskClient": "flask.testing"}
    assert helper_names([site], exclude=["Flask"]) == {"CliRunner": "click.testing"}


def test_only_breaks_count_unless_strict():
    problems = [
        Problem("boom", test="a", kind=BREAK), Problem("harness", test="b", kind=HARNESS),
        Problem("pytest timed out"),  # not a test: always counts
    ]  # fmt: skip
    counted, others = split_counted(problems, strict=False)
    assert [p.message for p in counted] == ["boom", "pytest timed out"] and [p.message for p in others] == ["harness"]
    assert split_counted(problems, strict=True) == (problems, [])


def test_a_collection_failure_names_its_exception_and_where_it_was_raised():
    from flask_lts_tools.verify._pytest import _failure_text

    cases = [c for c in CASES if c.get("message") == "collection failure"]
    assert cases
    for case in cases:
        first = _failure_text(case["message"], case["text"]).splitlines()[0]
        assert first.startswith("collection failure: ImportError: cannot import name"), first
        assert first.endswith(f"(raised in {case['raised_in']})"), first


def _case(name):
    return next(c for c in CASES if c["name"] == name)


def test_the_cause_of_a_500_is_the_last_exception_the_app_logged():
    service = _case("flask-session-0.5.0-redis-logged")
    broken = _case("flask-session-0.4.0-flask-2.3-redis-logged-break")
    assert cause(service["text"], service["captured"]) == "AssertionError <- ConnectionError"
    assert cause(broken["text"], broken["captured"]) == "AssertionError <- AttributeError"
    assert cause(service["text"]) == "AssertionError"  # nothing captured: the assertion alone
    assert cause(_case("pyjwt-2.8.0-jwks-network")["text"]) == "PyJWKClientConnectionError"  # the exception that ended it


def test_the_baseline_takes_out_only_a_failure_with_the_same_cause():
    # Flask-Session 0.4.0 with Flask 2.3: the era set fails the test for want of Redis, the set
    # under test for Flask 2.3's removed attribute. Failing "too" is no evidence then.
    assert not same_cause("AssertionError <- AttributeError", "AssertionError <- ConnectionError")
    assert same_cause("AssertionError <- ConnectionError", "AssertionError <- ConnectionError")
    assert same_cause("", "OperationalError") and same_cause("TypeError", "")


def test_a_logged_service_error_before_the_codes_own_exception_stays_a_break():
    # only the last logged exception counts
    case = _case("flask-session-0.5.0-redis-logged")
    later = case["captured"] + "\nTraceback (most recent call last):\n  File \"x.py\", line 1, in f\nAttributeError: 'Flask' object has no attribute 'session_cookie_name'\n"
    assert classify(case["text"], HELPERS, PROVIDED, PINS, later).kind == BREAK
    assert classify(case["text"], HELPERS, PROVIDED, PINS, case["captured"]).kind == ENVIRONMENT


def test_the_cache_plugin_is_off_unless_the_suite_asks_for_it():
    from flask_lts_tools.verify._pytest import cache_args

    assert cache_args([]) == ["-p", "no:cacheprovider"]
    assert cache_args(["-x", "-p", "cacheprovider"]) == []  # Werkzeug's catalogue entry: not both



def test_a_failure_without_a_traceback_is_named_by_its_first_line():
    """Alembic 1.4.3's own plugin (written for pytest 5) under pytest 6.1.1, Python 3.9, run
    2026-12-01: every module's collection failed with this text and no traceback; the report
    said only "collection failure: See https://docs.pytest.org/...", its last line."""
    from flask_lts_tools.verify._pytest import _failure_text

    body = (
        "Direct construction of Class has been deprecated, please use Class.from_parent.\n"
        "See https://docs.pytest.org/en/stable/deprecations.html#node-construction-changed-to-node-from-parent for more details."
    )
    first = _failure_text("collection failure", body).splitlines()[0]
    assert first == "collection failure: Direct construction of Class has been deprecated, please use Class.from_parent."


def test_a_suite_that_stops_before_its_tests_is_named_by_its_exception():
    """Alembic 1.4.2's plugin loaded by name (-p alembic.testing.plugin.pytestplugin) with
    SQLAlchemy 1.3.18, Python 3.8, run 2026-12-01: pytest exited 1 with this traceback, and the
    problem's first line was "pytest exited 1:" with nothing after it."""
    from flask_lts_tools.verify._pytest import exit_cause

    tail = (
        '  File ".cache/testtools/py3.8.18/709f06fa49a67bb8/_pytest/config/__init__.py", line 613, in import_plugin\n'
        "    __import__(importspec)\n"
        '  File "site-packages/alembic/testing/__init__.py", line 23, in <module>\n'
        "    from .fixtures import TestBase  # noqa\n"
        '  File "site-packages/sqlalchemy/testing/config.py", line 89, in fixture\n'
        "    return _fixture_functions.fixture(*arg, **kw)\n"
        "AttributeError: 'NoneType' object has no attribute 'fixture'\n"
    )
    assert exit_cause(tail) == "AttributeError: 'NoneType' object has no attribute 'fixture'"
    assert exit_cause("ERROR: usage: pytest [options] [file_or_dir]\nERROR: file or directory not found: tests\n\n") == "ERROR: file or directory not found: tests"
    assert exit_cause("INTERNALERROR> Traceback\nINTERNALERROR> NotImplementedError: is_package\n") == "INTERNALERROR> NotImplementedError: is_package"
    assert exit_cause("") == "no output"


def test_a_failed_install_is_named_by_pips_error():
    """FlaskBB's 2020 requirements.txt on Python 3.8, run 2026-12-01: the problem's first line
    was "pip install failed:", then seven lines of pip's backtracking progress."""
    from flask_lts_tools.verify.stages.install import pip_cause

    output = (
        "INFO: pip is looking at multiple versions of blinker to determine which version is compatible with other requirements. This could take a while.\n"
        "\nThe conflict is caused by:\n    flaskbb 2.0.2 depends on limits==1.3\n    The user requested (constraint) limits==1.5.1\n\n"
        "ERROR: Cannot install flask-limiter==1.3.1, flaskbb-plugin-conversations, limits and sqlalchemy-utils because these package versions have conflicting dependencies.\n"
        "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts\n"
    )
    assert pip_cause(output).startswith("ERROR: Cannot install flask-limiter==1.3.1, flaskbb-plugin-conversations")
    built = "  error: subprocess-exited-with-error\n\n  × Getting requirements to build wheel did not run successfully.\n  │ exit code: 1\n"
    assert pip_cause(built) == "× Getting requirements to build wheel did not run successfully."
    assert pip_cause("") == "no output"


def test_a_setup_error_is_named_by_its_exception():
    """Flask-SQLAlchemy 2.4.0's suite with Flask 1.0.2 under pytest 5.2, Python 3.8 (Mailu's 2020
    set), run 2026-12-01: junit's message was "test setup failure" for each of 63 tests, and the
    problem said no more."""
    from flask_lts_tools.verify._pytest import _failure_text

    body = (
        "request = <SubRequest 'app' for <Function test_basic_insert>>\n\n"
        "    @pytest.fixture\n    def app(request):\n>       app = flask.Flask(request.module.__name__)\n\n"
        "tests/conftest.py:11: \n"
        "../../venv/lib/python3.8/site-packages/flask/helpers.py:818: in find_package\n"
        "    if _matching_loader_thinks_module_is_package(\n"
        ">       raise AttributeError(\n"
        "E       AttributeError: AssertionRewritingHook.is_package() method is missing but is required by Flask of PEP 302 import hooks.\n\n"
        "../../venv/lib/python3.8/site-packages/flask/helpers.py:778: AttributeError\n"
    )
    first = _failure_text("test setup failure", body).splitlines()[0]
    assert first.startswith("test setup failure: AttributeError: AssertionRewritingHook.is_package() method is missing")
    assert first.endswith("(raised in flask/helpers.py:778)")


def test_a_logged_missing_module_of_the_set_stays_a_break():
    """The Flask-Migrate 2.5.3 case with the child failing on a module the set pins (as Flask 2.3
    removing a module would look): not optional, the set's own code is broken."""
    case = _case("flask-migrate-2.5.3-flask-script-absent-logged")
    captured = case["captured"].replace("No module named 'flask_script'", "No module named 'flask.ext'")
    assert classify(case["text"], HELPERS, PROVIDED, PINS, captured).kind == BREAK
