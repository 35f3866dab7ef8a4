"""Why a test failed: a break of the set, or something else (docs/verify.md, "Failure classes").

Every failing test of an upstream suite, a compat app or a canary gets one class:

- **break**: the package's code misbehaves, or cannot run, with the set. Only breaks fail a
  stage by default.
- **test-harness**: the failure arises in the test code's own use of another package's
  testing helpers or internals, or in assertions about warnings only; the package's code,
  as a user runs it, is not shown to misbehave.
- **environment**: the machine, not the set: a network or a service that is not there, a
  test dependency that is not installed here (and is not a pin of the set).
- **spurious**: it passes when run again alone (decided by the rerun, not here).

The rules read pytest's long traceback (the junit `<failure>` text): the exception that
ended the test, the frames it went through, and whether the raising frame is test code
(a file of the suite) or installed code (site-packages). Each rule has a name, which the
report shows beside the failure, so a maintainer can check a verdict against the rule.
Anything no rule claims is a break: the rules only ever take failures *out*.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from packaging.utils import canonicalize_name

BREAK, HARNESS, ENVIRONMENT, SPURIOUS = "break", "test-harness", "environment", "spurious"
KINDS = (BREAK, HARNESS, ENVIRONMENT, SPURIOUS)

# Modules that hold a package's testing helpers (click.testing, werkzeug.test, flask.testing,
# flask_sqlalchemy's pytest plugin ...), by file name inside an installed package.
HELPER_MODULE_FILES = ("testing.py", "test.py", "testing/__init__.py", "test_utils.py", "testutils.py", "pytest_plugin.py")

# The machine, not the set: no services (Redis, Memcached, MongoDB, PostgreSQL, Docker), no
# network. Matched against the exception lines that ended the test. A service's client names
# the service even when its message also says "Connection refused", so the services come
# first: "Error 111 connecting to localhost:6379. Connection refused." is a Redis server that
# is not running here, not the network.
_ENVIRONMENT_PATTERNS = [
    ("service", re.compile(
        r"redis\.exceptions\.ConnectionError|Error \d+ connecting to|pymemcache\.exceptions|"
        r"pymongo\.errors\.(?:ServerSelectionTimeoutError|ConnectionFailure|AutoReconnect)|"
        r"psycopg2?\.OperationalError\)? (?:could not connect|connection to server)|"
        r"psycopg\.OperationalError|pymysql\.err\.OperationalError\)? \(2003|MySQLdb\.OperationalError\)? \(2002|"
        r"docker(?:-compose)?: (?:command )?not found|No such file or directory: '(?:docker|docker-compose|redis-server|memcached|mongod)'|"
        r"Cannot connect to the Docker daemon|DockerException"
    )),
    ("network", re.compile(
        r"ConnectionRefusedError|Connection refused|socket\.gaierror|Name or service not known|"
        r"Temporary failure in name resolution|Network is unreachable|No route to host|"
        r"urllib\.error\.URLError|Max retries exceeded with url|getaddrinfo failed"
    )),
]  # fmt: skip
# The last line of a Python traceback in captured output (an app's log of the exception it
# answered 500 for): "redis.exceptions.ConnectionError: Error 111 connecting to ...".
_LOGGED_EXCEPTION = re.compile(r"^(?:[\w.]+\.)?[A-Z]\w*(?:Error|Exception|Failure|Timeout\w*): .*$", re.MULTILINE)

_LOCATION = re.compile(r"^(?P<path>[^\s:][^:]*?\.py):(?P<line>\d+):(?: (?P<what>.*))?$")
# installed code: site-packages, or the verifier's test-tools folder (testtools.py)
_SITE = re.compile(r"(?:(?:site|dist)-packages|testtools/py[^/]+/[0-9a-f]+)/(?P<module>.+?)\.py$")
_E_LINE = re.compile(r"^E +(?P<text>.*)$")
_EXCEPTION = re.compile(r"^(?:[\w.]+\.)?(?P<name>[A-Z]\w*(?:Error|Exception|Warning|Exit|Failed)|Failed|AssertionError)\b:? ?(?P<rest>.*)$")

# What a message names, by exception type: (class or function, attribute or None)
_NAMED = [
    re.compile(r"^(?P<owner>\w+)(?:\.\w+)?\(\) (?:got an unexpected keyword argument|missing \d+ required|takes \d+ positional|got multiple values)"),
    re.compile(r"^'(?P<owner>\w+)' object has no attribute '(?P<attr>\w+)'"),
    re.compile(r"^type object '(?P<owner>\w+)' has no attribute '(?P<attr>\w+)'"),
    re.compile(r"^module '(?P<module>[\w.]+)' has no attribute '(?P<attr>\w+)'"),
    re.compile(r"^cannot import name '(?P<attr>\w+)' from '(?P<module>[\w.]+)'"),
]
_NO_FIXTURE = re.compile(r"^fixture '\w+' not found", re.MULTILINE)
_NO_MODULE = re.compile(r"No module named '(?P<module>[\w.]+)'")
_WARNING_ASSERT = re.compile(r"DID NOT WARN|WarningsRecorder|WarningsChecker|WarningMessage|\brecwarn\b|catch_warnings|pytest\.warns\(")


@dataclass(frozen=True)
class Frame:
    path: str
    line: int
    module: str | None  # the installed module (`click.testing`), None for test code
    source: tuple[str, ...] = ()  # the lines pytest marks with `>` in this frame

    @property
    def is_test_code(self) -> bool:
        return self.module is None


@dataclass(frozen=True)
class Traceback:
    """What the classifier reads of one failure."""

    exception: str  # the exception's name (`TypeError`), "" if none was shown
    text: str  # the exception's message (the first E line after the name)
    frames: tuple[Frame, ...]  # outermost first
    failing_lines: tuple[str, ...]  # the `>` source lines pytest marks
    e_lines: tuple[str, ...]

    @property
    def raised_in(self) -> Frame | None:
        return self.frames[-1] if self.frames else None


@dataclass(frozen=True)
class Verdict:
    kind: str
    rule: str  # "" for a break no rule claimed


def parse(text: str) -> Traceback:
    """pytest's long traceback (junit failure text) into frames and the final exception."""
    frames, failing, e_lines, block = [], [], [], []
    for raw in text.splitlines():
        line = raw.rstrip()
        match = _LOCATION.match(line.strip())
        if match:
            path = match["path"].replace("\\", "/")
            site = _SITE.search(path)
            module = site["module"].replace("/", ".").removesuffix(".__init__") if site else None
            if module is None and (path.startswith(("/", "../")) or re.match(r"^[A-Za-z]:/", path)):
                module = "?"  # outside the suite's folder, somewhere we cannot name: not test code
            frames.append(Frame(path, int(match["line"]), module, tuple(block)))
            block = []
            continue
        e = _E_LINE.match(line)
        if e:
            e_lines.append(e["text"].strip())
        elif line.startswith(">"):
            failing.append(line[1:].strip())
            block.append(line[1:].strip())
    exception, message = "", ""
    for candidate in e_lines:
        m = _EXCEPTION.match(candidate)
        if m:
            exception, message = m["name"], m["rest"].strip()
    if not exception and frames and text.strip():
        # the location line of the raising frame ends with the exception's name
        last = [l for l in text.splitlines() if _LOCATION.match(l.strip())]
        what = (_LOCATION.match(last[-1].strip())["what"] or "").strip() if last else ""
        exception = what if re.fullmatch(r"[A-Z]\w*", what) else ""
    if not message and e_lines:
        message = e_lines[-1]
    return Traceback(exception, message, tuple(frames), tuple(failing), tuple(e_lines))


def cause(text: str, captured: str = "") -> str:
    """What ended a failing test, for comparing two runs of it: the exception's name, and for
    an assertion (a 500 where the test wanted a page) the last exception the test's output
    logged ("AssertionError <- ConnectionError"). "" when the traceback names none."""
    exception = parse(text).exception.rsplit(".", 1)[-1]
    logged = logged_exception(captured) if exception in ("AssertionError", "Failed") else ""
    return f"{exception} <- {logged.split(':', 1)[0].rsplit('.', 1)[-1]}" if logged else exception


def logged_exception(captured: str) -> str:
    """The last exception line the test's output logged ("" if none)."""
    logged = _LOGGED_EXCEPTION.findall(captured)
    return logged[-1].strip() if logged else ""


def same_cause(here: str, there: str) -> bool:
    """Whether two runs of a test failed the same way (an unknown cause matches anything)."""
    return not here or not there or here == there


def helper_names(site_packages: Iterable[Path], exclude: Iterable[str] = ()) -> dict[str, str]:
    """Names defined at the top of the installed packages' testing-helper modules
    (`CliRunner` -> `click.testing`, `FlaskClient` -> `flask.testing`, `Client` ->
    `werkzeug.test`), read with ast, never imported. `exclude`: top-level packages whose
    helpers are the code under test's own (Flask's suite may use flask.testing freely)."""
    skip = {canonicalize_name(e) for e in exclude}
    names: dict[str, str] = {}
    for root in site_packages:
        if not root.is_dir():
            continue
        for package in sorted(p for p in root.iterdir() if p.is_dir() and p.name.isidentifier()):
            if canonicalize_name(package.name) in skip:
                continue
            for file in HELPER_MODULE_FILES:
                path = package / file
                if not path.is_file():
                    continue
                module = f"{package.name}.{file.removesuffix('.py').removesuffix('/__init__')}"
                try:
                    tree = ast.parse(path.read_bytes())
                except (SyntaxError, ValueError):
                    continue
                for node in tree.body:
                    if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and not node.name.startswith("_"):
                        names.setdefault(node.name, module)
    return names


def _harness_rule(tb: Traceback, helpers: Mapping[str, str]) -> str:
    """"testing-helper" when the test code's own line names what failed (a keyword, attribute or
    name) and it belongs to another package's testing helpers; "private-internals" when the test
    code's own line reaches for a private attribute. The name must be in the test's line: a bad
    call that a package makes itself (Flask's test client passing Werkzeug an argument it no
    longer takes) is that package's break, whoever called it."""
    own_lines = " ".join(line for f in tb.frames if f.is_test_code for line in f.source)
    if not own_lines:
        return ""
    modules = helper_modules(helpers)
    for pattern in _NAMED:
        m = pattern.match(tb.text)
        if not m:
            continue
        groups = m.groupdict()
        owner, module, attr = groups.get("owner"), groups.get("module"), groups.get("attr")
        keyword = re.search(r"unexpected keyword argument '(\w+)'", tb.text)
        token = keyword[1] if keyword else attr or owner
        if not token or not re.search(rf"\b{re.escape(token)}\b", own_lines):
            return ""
        if (owner and owner in helpers) or (module and module in modules):
            return "testing-helper"
        if attr and attr.startswith("_") and not attr.startswith("__"):
            return "private-internals"
        return ""
    return ""


def helper_modules(names: Mapping[str, str]) -> set[str]:
    return set(names.values())


_ANY_SPACE = re.compile(r"\s")  # Unicode-aware: the no-break spaces too (U+00A0, U+202F)


def space_variant_only(e_lines: Iterable[str]) -> bool:
    """Whether an assertion's diff (pytest's `- expected` / `+ actual` lines) differs only in
    which space characters the text uses: locale data that now puts a narrow no-break space
    before "PM" (CLDR 42, Babel 2.12) where the test, written against its era's data, expects a
    plain one. The code formatted as the data says; the test pins the data's typography."""
    lines = list(e_lines)
    minus = [line[2:] for line in lines if line.startswith("- ")]
    plus = [line[2:] for line in lines if line.startswith("+ ")]
    if not minus or len(minus) != len(plus):
        return False
    return all(a != b and _ANY_SPACE.sub(" ", a) == _ANY_SPACE.sub(" ", b) for a, b in zip(minus, plus))


def _absent(module: str, provided: Iterable[str], pins: Iterable[str]) -> bool:
    """A module no installed distribution provides and the set does not pin: an optional
    dependency nobody installed, not a module of the set that is gone."""
    top = module.split(".")[0]
    return top not in set(provided) and canonicalize_name(top) not in {canonicalize_name(p) for p in pins}


def classify(
    text: str, helpers: Mapping[str, str], provided: Iterable[str] = (), pins: Iterable[str] = (),
    captured: str = "",
) -> Verdict:  # fmt: skip
    """The class of one failing test from its traceback text. `helpers`: helper_names();
    `provided`: top-level module names the environment provides; `pins`: the set's
    (canonical) distribution names; `captured`: what the test wrote to stderr (junit's
    system-err), where a Flask app logs the exception behind a 500."""
    tb = parse(text)
    exception_line = f"{tb.exception}: {tb.text}" if tb.exception else tb.text
    everything = "\n".join(tb.e_lines) or text
    for name, pattern in _ENVIRONMENT_PATTERNS:
        if pattern.search(everything):
            return Verdict(ENVIRONMENT, name)
    if _NO_FIXTURE.search(everything):
        return Verdict(ENVIRONMENT, "fixture-absent")
    missing = _NO_MODULE.search(exception_line) if tb.exception in ("ModuleNotFoundError", "ImportError") else None
    if missing:
        if _absent(missing["module"], provided, pins):
            return Verdict(ENVIRONMENT, "optional-module-absent")
        return Verdict(BREAK, "")
    if tb.exception in ("AssertionError", "Failed") or (tb.exception == "" and "DID NOT WARN" in everything):
        if _WARNING_ASSERT.search("\n".join([*tb.failing_lines, *tb.e_lines])):
            return Verdict(HARNESS, "warnings-assertion")
        if space_variant_only(tb.e_lines):
            return Verdict(HARNESS, "space-variant-only")
        # An assertion about a response (a 500 where the test wanted a page) whose cause the
        # app logged: when the last exception it logged is a service or the network that is
        # not there, the machine failed the test. Only the last one counts, so an earlier
        # logged connection error cannot hide a later exception of the code under test.
        logged = logged_exception(captured)
        for name, pattern in _ENVIRONMENT_PATTERNS:
            if logged and pattern.search(logged):
                return Verdict(ENVIRONMENT, f"{name}-logged")
        # ... or a module neither installed nor pinned, which a child process the test ran
        # could not import (Flask-Migrate 2.5's CLI tests: `flask db init` on an app that
        # imports Flask-Script, which its suite never declares)
        gone = _NO_MODULE.search(logged) if logged.startswith(("ModuleNotFoundError", "ImportError")) else None
        if gone and _absent(gone["module"], provided, pins):
            return Verdict(ENVIRONMENT, "optional-module-absent-logged")
        return Verdict(BREAK, "")
    if tb.exception in ("TypeError", "AttributeError", "ImportError", "NameError"):
        rule = _harness_rule(tb, helpers)
        if rule:
            return Verdict(HARNESS, rule)
    return Verdict(BREAK, "")
