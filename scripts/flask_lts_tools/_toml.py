"""tomllib where the Python has it, tomli otherwise."""

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the toolkit runs on 3.11+, kept for helpers run elsewhere
    import tomli as tomllib

__all__ = ["tomllib"]
