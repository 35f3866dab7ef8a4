"""Canaries: the test suites of projects that depend on a channel (crater's and Debian's
autopkgtest's lesson), run under the channel's constraints.

`load_canaries()` reads the registry (channels/canaries/registry.toml); `run_canaries(...)` runs the
canaries of a channel under a pinned set on one Python; `write_run` writes the report.
`shard_of(...)` picks one of N shards of similar time, `merge_shards(...)` makes their
reports one again.
docs/canaries.md says how they are chosen and what their results mean.
"""

from ._gate import GateResult, gate, hold_toml
from ._registry import Canary, load_canaries, select
from ._report import OUTCOMES, culprit_text, load_run, outcome, summary_markdown, write_run
from ._run import CanaryResult, CanaryRun, run_canaries, run_canary
from ._shards import Shard, estimates, merge_shards, parse_shard, plan_shard, shard_of, split
from ._verdict import Culprit, Verdict, baseline_pins, bisect_pins, judge

__all__ = [
    "OUTCOMES",
    "Canary",
    "CanaryResult",
    "CanaryRun",
    "GateResult",
    "Culprit",
    "Shard",
    "Verdict",
    "baseline_pins",
    "bisect_pins",
    "gate",
    "hold_toml",
    "culprit_text",
    "estimates",
    "judge",
    "load_canaries",
    "load_run",
    "merge_shards",
    "outcome",
    "parse_shard",
    "plan_shard",
    "run_canaries",
    "run_canary",
    "select",
    "shard_of",
    "split",
    "summary_markdown",
    "write_run",
]
