"""Canaries: the test suites of projects that depend on a channel (crater's and Debian's
autopkgtest's lesson), run under the channel's constraints.

`load_canaries()` reads the registry (channels/canaries/registry.toml); `run_canaries(...)` runs the
canaries of a channel under a pinned set on one Python; `write_run` writes the report.
docs/canaries.md says how they are chosen and what their results mean.
"""

from ._registry import Canary, load_canaries, select
from ._report import summary_markdown, write_run
from ._run import CanaryResult, CanaryRun, run_canaries, run_canary
from ._verdict import Culprit, Verdict, baseline_pins, bisect_pins, judge

__all__ = [
    "Canary",
    "CanaryResult",
    "CanaryRun",
    "Culprit",
    "Verdict",
    "baseline_pins",
    "bisect_pins",
    "judge",
    "load_canaries",
    "run_canaries",
    "run_canary",
    "select",
    "summary_markdown",
    "write_run",
]
