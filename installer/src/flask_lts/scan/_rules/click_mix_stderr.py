"""click 8.2 removed CliRunner(mix_stderr=...): result.output holds stdout and stderr
as the terminal shows them, result.stdout and result.stderr each stream."""

from __future__ import annotations

from .._rule import Keywords, is_app


class ClickMixStderr(Keywords):
    id = "click-mix-stderr"
    package = "click"
    since = "8.2.0"
    summary = "CliRunner(mix_stderr=) is gone; result.output includes stderr"
    callables = ("click.testing.CliRunner", "flask.testing.FlaskCliRunner")
    methods = ("test_cli_runner",)
    receiver = staticmethod(is_app)
    removed = {"mix_stderr": "drop it; assert on result.stdout (stdout only) or result.stderr"}


RULE = ClickMixStderr()
