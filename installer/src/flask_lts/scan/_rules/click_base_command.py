"""click 8.2 deprecated BaseCommand (use Command) and MultiCommand (use Group), and
the parser module's OptionParser; split_arg_string moved to shell_completion."""

from __future__ import annotations

from .._rule import DEPRECATED, Moved, MovedNames


class ClickBaseCommand(MovedNames):
    id = "click-base-command"
    package = "click"
    since = "8.2.0"
    kind = DEPRECATED
    summary = "BaseCommand -> Command, MultiCommand -> Group, click.parser deprecated"
    fixable = True
    names = {
        "click.BaseCommand": Moved("click.Command"),
        "click.MultiCommand": Moved("click.Group"),
        "click.core.BaseCommand": Moved("click.core.Command"),
        "click.core.MultiCommand": Moved("click.core.Group"),
        "click.OptionParser": Moved("", "optparse, or click's own option declarations"),
        "click.parser.OptionParser": Moved("", "optparse, or click's own option declarations"),
        "click.parser.split_arg_string": Moved("click.shell_completion.split_arg_string"),
    }


RULE = ClickBaseCommand()
