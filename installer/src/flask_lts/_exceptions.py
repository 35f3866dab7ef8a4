"""One exception type per failure kind; the command line turns each into a one-line message."""

from __future__ import annotations


class InstallerError(Exception):
    """Base of every error a user can cause; its str() is the whole message."""

    exit_code = 3


class UsageError(InstallerError):
    """The command line asks for something this channel or this place cannot give."""

    exit_code = 2


class DataError(InstallerError):
    """The package's own channel data is missing or unreadable (a broken install)."""

    exit_code = 3


class PipConfigError(InstallerError):
    """A pip configuration file cannot be read or written."""

    exit_code = 3
