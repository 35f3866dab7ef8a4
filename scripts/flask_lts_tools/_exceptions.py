"""Every error a user can cause, one hierarchy, each kind with its exit code.

The command line (`_cli`) turns any FlaskLTSError into a one-line `error: ...`
message and exits with the error's code; nothing else in the toolkit prints
errors or picks exit codes. The codes, for scripts that call the toolkit:

    1  FlaskLTSError, ReportError, UpstreamError, SiteError (anything else)
    2  ChannelError            7  ToolEnvironmentError     12  PublishError
    3  InterpreterError        8  AdvisoryDatabaseError    13  TestToolsError
    4  PackageIndexError       9  RefreshError             14  EnvironmentCreationError
    5  ResolutionError        10  DockerfileError          15  CanaryError, ShardError
    16 DockerTestError, PodmanError, StandInError
    17 ApiDiffError             18  AuditGateError           19  BackportError
    20 UpgradeReportError
    6  ConstraintsError, ArchiveError                    11  DistError
"""

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


class ArchiveError(ConstraintsError):
    """A published serial (published/) would change, or no longer matches its checksums."""


class ToolEnvironmentError(FlaskLTSError):
    """A tool environment (pip-tools, uv) could not be created."""

    exit_code = 7


class AdvisoryDatabaseError(FlaskLTSError):
    """The advisory database is missing, empty, or holds a malformed OSV record (names the file)."""

    exit_code = 8


class RefreshError(FlaskLTSError):
    """A refresh could not be planned or its candidate failed verification."""

    exit_code = 9


class DockerfileError(FlaskLTSError):
    """The Docker files cannot be generated, or the committed ones are out of date."""

    exit_code = 10


class DistError(FlaskLTSError):
    """The installer package cannot be built: stale constraints, a failed build or check."""

    exit_code = 11


class PublishError(FlaskLTSError):
    """The installer package cannot be uploaded: missing, refused by the index, or different from what it holds."""

    exit_code = 12


class TestToolsError(FlaskLTSError):
    """The test tools of a suite could not be resolved or installed beside the set (says why)."""

    __test__ = False  # a name pytest would otherwise collect
    exit_code = 13


class EnvironmentCreationError(FlaskLTSError):
    """A fresh virtual environment could not be created from an interpreter."""

    exit_code = 14


class CanaryError(FlaskLTSError):
    """The canary registry is malformed, or names a canary or channel that does not exist."""

    exit_code = 15


class ShardError(CanaryError):
    """A --shard is malformed, or shard reports cannot be merged (missing, duplicated, or of different runs)."""


class DockerTestError(FlaskLTSError):
    """An image could not be built or failed a check (names the channel, Python and step)."""

    exit_code = 16


class PodmanError(DockerTestError):
    """podman could not be found, installed or run (says which command and its output)."""


class StandInError(DockerTestError):
    """A stand-in base image (Debian's Python, made with mmdebstrap) could not be made."""


class ApiDiffError(FlaskLTSError):
    """Two releases' public APIs could not be compared: a release, its files or its source is missing."""

    exit_code = 17


class AuditGateError(FlaskLTSError):
    """A new serial is not archived or published while its channel's audit fails (make audit)."""

    exit_code = 18


class BackportError(FlaskLTSError):
    """A backport cannot be built, tested or published: a patch that no longer applies, a
    failing gate, a published build that would change (names the file and what to do)."""

    exit_code = 19


class UpstreamError(FlaskLTSError):
    """The suite catalogue or a known-failures file is malformed, or an sdist cannot be used."""


class ReportError(FlaskLTSError):
    """A report file is missing or is not a verification report."""


class SiteError(FlaskLTSError):
    """The site cannot be built from these inputs (names what is missing and what to run)."""


class UpgradeReportError(FlaskLTSError):
    """An upgrade report cannot be made: an unknown channel, a malformed file of curated
    changelog entries (channels/upgrades/), a missing verification report (names it)."""

    exit_code = 20
