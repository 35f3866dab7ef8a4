"""One exception type per failure kind; the CLI turns each into a one-line message."""

from __future__ import annotations


class FlaskLTSError(Exception):
    """Base of every error a user can cause; its str() is the whole message."""

    exit_code = 1


class ChannelError(FlaskLTSError):
    """A channel file is malformed or inconsistent (names the file, line or key)."""

    exit_code = 2


class InterpreterError(FlaskLTSError):
    """A Python the channel needs is missing or unusable."""

    exit_code = 3


class PackageIndexError(FlaskLTSError):
    """The package index is unreachable or does not know a package."""

    exit_code = 4


class ResolutionError(FlaskLTSError):
    """pip-tools could not resolve the channel, or a pin left its frozen series."""

    exit_code = 5


class ConstraintsError(FlaskLTSError):
    """A constraints (or pinned-set) file is malformed or unsafe to publish."""

    exit_code = 6


class ToolEnvironmentError(FlaskLTSError):
    """A tool environment (pip-tools, uv) could not be created."""

    exit_code = 7


class AdvisoryDatabaseError(FlaskLTSError):
    """The advisory database is missing, empty, or holds a malformed OSV record (names the file)."""

    exit_code = 8
