"""The toolkit's data files (resources/), each under a named constant, and their loaders.

Knowledge about versions that is not a channel's lives here as data: CPython's
release and end-of-life dates, the extension-group catalogue, the upstream suite
catalogue; plus the helper scripts the verifier runs inside a target environment
and the site's templates.
"""

from __future__ import annotations

import datetime as _dt
import functools
from pathlib import Path
from typing import Mapping

from ._toml import tomllib

RESOURCES = Path(__file__).resolve().parent / "resources"
PYTHON_LIFECYCLE = RESOURCES / "python_lifecycle.toml"  # CPython X.Y: released, end-of-life
GROUPS = RESOURCES / "groups.toml"  # the catalogue of extension groups new-channel resolves
UPSTREAM_CATALOGUE = RESOURCES / "upstream.toml"  # the packages' own suites: where, how, with what
HARNESS = RESOURCES / "harness.toml"  # how apps and suites run pytest for sets that need it
IMPORT_PROBE = RESOURCES / "import_probe.py"  # run by the imports stage inside the target venv
WARNINGS_PLUGIN_DIR = RESOURCES  # holds warnings_plugin.py, put on PYTHONPATH for pytest -p
SITE_TEMPLATES = RESOURCES / "site"


@functools.lru_cache(maxsize=None)
def _lifecycle(path: Path) -> Mapping[str, Mapping[str, _dt.date]]:
    return tomllib.loads(path.read_text(encoding="utf-8"))["versions"]


def python_lifecycle(path: Path = PYTHON_LIFECYCLE) -> Mapping[str, Mapping[str, _dt.date]]:
    """CPython `X.Y` -> {"released": date, "end-of-life": date}, read once per process."""
    return _lifecycle(path)
