"""Flask-Script: a manage.py as its docs write one (a `Manager` over an app factory with a
`--config` manager option, `@manager.command` with positional, optional and boolean
arguments, `@manager.option`, a `Command` subclass, a sub-manager with `prompt_bool`, a
`Shell` with its own context, `Server`), run for real as `python manage.py ...` in a
subprocess. Flask-Script 2.0.6 (2017) is the last release; it imports `flask._compat`,
which Flask 2.0 removed, so only sets with Flask < 2.0 get here."""

REQUIRES = ["flask-script"]

import os
import re
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
import warnings

import pytest

MANAGE = textwrap.dedent(
    '''
    from flask import Flask, current_app
    from flask_script import Command, Manager, Option, Server, Shell, prompt_bool


    def create_app(config=None):
        app = Flask("blog")
        app.config["GREETING"] = "hello"
        if config:
            app.config.from_pyfile(config)

        @app.route("/")
        def index():
            return "%s from the server" % app.config["GREETING"]

        return app


    manager = Manager(create_app)
    manager.add_option("-c", "--config", dest="config", required=False)


    @manager.command
    def hello(name="Fred"):
        """Say hello"""
        print("%s %s" % (current_app.config["GREETING"], name))


    @manager.command
    def greet(name):
        """Greet someone by name"""
        print("greetings, %s" % name)


    @manager.command
    def verify(verified=False):
        """Checks if verified"""
        print("VERIFIED? %s" % ("YES" if verified else "NO"))


    @manager.option("-n", "--name", dest="name", default="joe")
    @manager.option("-u", "--url", dest="url", default=None)
    def visit(name, url):
        """Visit a URL"""
        print("%s visits %s" % (name, url or "nowhere"))


    class Count(Command):
        """Counts up to a number"""

        option_list = (Option("--upto", "-u", dest="upto", type=int, default=3),)

        def run(self, upto):
            print(" ".join(str(i) for i in range(1, upto + 1)))


    manager.add_command("count", Count())

    database = Manager(usage="Perform database operations")


    @database.command
    def drop():
        """Drops database tables"""
        if prompt_bool("Are you sure you want to lose all your data"):
            print("dropped")
        else:
            print("kept")


    manager.add_command("database", database)


    def make_shell_context():
        return dict(app=current_app._get_current_object(), greeting=current_app.config["GREETING"])


    manager.add_command("shell", Shell(make_context=make_shell_context))
    manager.add_command("runserver", Server(host="127.0.0.1"))

    if __name__ == "__main__":
        manager.run()
    '''
)

_reported = set()


def _env():
    return {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}


def _report_deprecations(stderr, args):
    for line in stderr.splitlines():
        if "DeprecationWarning" in line and line not in _reported:
            _reported.add(line)
            warnings.warn(f"from `manage.py {args[0]}`: {line.strip()}", DeprecationWarning)


def cause(stderr):
    """The exception a failed child process ended with (its last `...Error: ...` line), so
    that a report's one-line summary names it rather than the warnings printed before it."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if re.match(r"[\w.]*(Error|Exception)\b", line)]
    return (errors or lines or ["(no output)"])[-1]


def manage(tmp_path, *args, input=None, expect=0):
    """`python manage.py ARGS` as a user runs it, in the project folder."""
    (tmp_path / "manage.py").write_text(MANAGE)
    proc = subprocess.run(
        # -W default: let the child report DeprecationWarnings so they reach this run's summary.
        [sys.executable, "-W", "default::DeprecationWarning", "manage.py", *args],
        cwd=tmp_path,
        env=_env(),
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
    )
    _report_deprecations(proc.stderr, args)
    assert proc.returncode == expect, f"manage.py {' '.join(args)} exited {proc.returncode}: {cause(proc.stderr)}\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_command_with_an_optional_argument(tmp_path):
    assert manage(tmp_path, "hello").stdout == "hello Fred\n"
    assert manage(tmp_path, "hello", "--name", "x").stdout == "hello x\n"
    assert manage(tmp_path, "hello", "-n", "Joe").stdout == "hello Joe\n"


def test_command_with_a_positional_and_a_boolean_argument(tmp_path):
    assert manage(tmp_path, "greet", "Joe").stdout == "greetings, Joe\n"
    assert manage(tmp_path, "verify").stdout == "VERIFIED? NO\n"
    assert manage(tmp_path, "verify", "--verified").stdout == "VERIFIED? YES\n"
    proc = manage(tmp_path, "greet", expect=2)  # argparse: the positional argument is required
    assert "name" in proc.stderr


def test_option_decorator_and_command_class(tmp_path):
    assert manage(tmp_path, "visit").stdout == "joe visits nowhere\n"
    assert manage(tmp_path, "visit", "-n", "ann", "--url", "http://example.com").stdout == "ann visits http://example.com\n"
    assert manage(tmp_path, "count").stdout == "1 2 3\n"
    assert manage(tmp_path, "count", "--upto", "5").stdout == "1 2 3 4 5\n"


def test_manager_option_configures_the_app_factory(tmp_path):
    (tmp_path / "settings.cfg").write_text('GREETING = "bonjour"\n')
    assert manage(tmp_path, "-c", "settings.cfg", "hello", "--name", "Ann").stdout == "bonjour Ann\n"


def test_sub_manager_with_prompt_bool(tmp_path):
    assert manage(tmp_path, "database", "drop", input="y\n").stdout.endswith("dropped\n")
    assert manage(tmp_path, "database", "drop", input="no\n").stdout.endswith("kept\n")


def test_help_lists_the_commands_and_an_unknown_command_fails(tmp_path):
    out = manage(tmp_path, "-?").stdout  # -h is runserver's --host: Flask-Script's help is -?
    for name in ("hello", "greet", "verify", "visit", "count", "database", "shell", "runserver"):
        assert name in out, out
    assert "Say hello" in out
    assert "Drops database tables" in manage(tmp_path, "database", "-?").stdout
    proc = manage(tmp_path, "nope", expect=2)
    assert "invalid choice" in proc.stderr


def test_shell_has_the_app_and_its_context(tmp_path):
    # the plain Python shell (IPython and the others turned off, as their flags allow), fed on stdin
    proc = manage(
        tmp_path, "shell", "--no-ipython", "--no-bpython", "--no-ptipython", "--no-ptpython",
        input="print(greeting, app.name, app.url_map.bind('').match('/'))\n",
    )  # fmt: skip
    assert "hello blog ('index', {})" in proc.stdout, proc.stdout + proc.stderr


def test_runserver_serves_on_localhost(tmp_path):
    (tmp_path / "manage.py").write_text(MANAGE)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "-p", str(port), "--no-reload", "--no-debug"],
        cwd=tmp_path, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        body, deadline = None, time.monotonic() + 30
        while body is None and time.monotonic() < deadline and server.poll() is None:
            try:
                body = urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=2).read()
            except OSError:
                time.sleep(0.2)
        if body is None:
            server.kill()
            pytest.fail("manage.py runserver did not serve: " + server.communicate(timeout=10)[0].decode()[-2000:])
        assert body == b"hello from the server"
    finally:
        server.terminate()
        server.wait(timeout=10)
