"""Verify a pinned set on one Python: prove it known-good, or say what broke.

`verify(pinned, interpreter, options) -> VerifyResult` runs the registered stages
(install, pip-check, imports, apps, upstream: `stages/`, one module each) in a fresh
virtual environment. The model (`_model`) and the context (`_context`) depend on no
stage; stages depend on them, never the reverse.
"""

from __future__ import annotations

from ._context import Context, Log, Options
from ._model import PinnedSet, Problem, StageResult, VerifyResult, WarningRecord, load_set
from ._matrix import Target, targets, verify_matrix
from ._run import verify
from .stages import Stage, parse_stages, registered, stage_names

__all__ = [
    "Context",
    "Log",
    "Options",
    "PinnedSet",
    "Problem",
    "Stage",
    "StageResult",
    "Target",
    "VerifyResult",
    "WarningRecord",
    "load_set",
    "parse_stages",
    "registered",
    "stage_names",
    "targets",
    "verify",
    "verify_matrix",
]
