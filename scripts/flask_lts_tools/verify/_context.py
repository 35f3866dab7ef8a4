"""What every stage is given: the options of the run and the environment it works in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from .. import _layout as layout
from .. import venvs
from ._model import PinnedSet

Log = Callable[[str], None]


@dataclass
class Options:
    stages: Sequence[str] = ()  # the stages asked for; empty: every registered stage
    workdir: Path = layout.VERIFY_WORK
    apps_dirs: Sequence[Path] = (layout.COMPAT_APPS,)
    known_failures: Sequence[Path] = ()  # known-failures files: the common one, then the channel's
    strict: bool = False
    # failing suite tests run again with the package's own era set (stages/upstream/baseline.py)
    baseline: bool = True
    suites: Sequence[str] = ()  # the upstream stage runs only these packages' suites; empty: every catalogued one
    timeout: float = 1800
    sdist_cache: Path = layout.SDISTS  # sdists of the upstream suites, sha256-checked
    testtools_cache: Path = layout.TESTTOOLS  # resolved and installed test tools, per Python
    # The channel's own index (served on this machine) that pin files written on the fly name:
    # the canaries' verdict and bisection sets, which may pin the channel's builds.
    index_urls: Sequence[str] = ()


@dataclass
class Context:
    pinned: PinnedSet
    python: str
    env: venvs.Environment
    workdir: Path
    options: Options
    log: Log
    installed: dict[str, str] = field(default_factory=dict)
    # Set by a stage after which nothing else can run (install failed and installed nothing).
    blocked: str | None = None
