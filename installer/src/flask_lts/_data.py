"""The channel this package carries: its facts (data/channel.json, written at build
time by the maintainers' toolkit) and its bundled constraints files.

Standard library only, and cheap to import: `flask-lts check` must start fast.
"""

from __future__ import annotations

import datetime as _dt
import json
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from ._exceptions import DataError, UsageError

DATA_DIR = Path(__file__).resolve().parent / "data"
FORMAT = 1


def python_key(version: str) -> Tuple[int, ...]:
    """"3.10" -> (3, 10): Python versions sort by number, not by text."""
    return tuple(int(part) for part in version.split("."))


def current_python() -> str:
    return "%d.%d" % sys.version_info[:2]


def normalize(name: str) -> str:
    """The PEP 503 normalized form of a distribution name."""
    out = []
    previous_sep = False
    for char in name.lower():
        if char in "-_.":
            if not previous_sep:
                out.append("-")
            previous_sep = True
        else:
            out.append(char)
            previous_sep = False
    return "".join(out)


class Channel:
    """One LTS channel as bundled in this package."""

    def __init__(self, data: dict, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.name: str = data["name"]
        self.version: str = data["version"]
        self.serial: int = data["serial"]
        self.published_status: str = data["status"]
        self.summary: str = data.get("summary", "")
        self.freeze_date = _dt.date.fromisoformat(data["freeze_date"])
        self.release_date = _dt.date.fromisoformat(data["release_date"])
        self.bugfix_until = _dt.date.fromisoformat(data["bugfix_until"])
        self.security_until = _dt.date.fromisoformat(data["security_until"])
        self.pythons: List[str] = data["pythons"]
        self.planned_pythons: List[str] = data.get("planned_pythons", [])
        self.default_python: str = data["default_python"]
        self.core: List[str] = data["core"]
        self.extras: Dict[str, List[str]] = data["extras"]
        self.all_extras: List[str] = data["all_extras"]
        self.series: Dict[str, str] = data["series"]
        self.series_by_python: Dict[str, Dict[str, str]] = data.get("series_by_python", {})
        self.pins: Dict[str, Dict[str, str]] = data["pins"]
        self.platform_pins: Dict[str, Dict[str, Dict[str, str]]] = data.get("platform_pins", {})
        self.display_names: Dict[str, str] = data.get("display_names", {})
        self.files: Dict[str, object] = data["files"]

    # -- facts ---------------------------------------------------------
    @property
    def display(self) -> str:
        return "Flask LTS " + self.name

    def display_name(self, package: str) -> str:
        return self.display_names.get(package, package)

    def status_on(self, today: _dt.date) -> str:
        """The support status on `today`, from the dates (a preview stays a preview)."""
        if self.published_status == "preview" or today < self.release_date:
            return "preview"
        if today <= self.bugfix_until:
            return "supported"
        if today <= self.security_until:
            return "security-only"
        return "end-of-life"

    def days_left(self, today: _dt.date) -> int:
        """Days until security support ends (negative once it has ended)."""
        return (self.security_until - today).days

    def supports(self, python: str) -> bool:
        return python in self.pythons

    def compared_python(self, python: str) -> str:
        """The supported Python whose pins apply to `python` (the nearest one if unsupported)."""
        if python in self.pins:
            return python
        if python_key(python) < python_key(self.pythons[0]):
            return self.pythons[0]
        return self.pythons[-1]

    def pins_for(self, python: str, platform: str = sys.platform) -> Dict[str, str]:
        """name -> pinned version on one Python and platform."""
        key = self.compared_python(python)
        pins = dict(self.pins[key])
        pins.update(self.platform_pins.get(platform, {}).get(key, {}))
        return pins

    def series_for(self, package: str, python: str) -> Optional[str]:
        key = self.compared_python(python)
        return self.series_by_python.get(package, {}).get(key, self.series.get(package))

    # -- bundled files ---------------------------------------------------
    def constraints_file(self, python: Optional[str] = None, hashes: bool = False, merged: bool = False) -> Path:
        """The bundled constraints file for `python` (default: this one).

        The per-Python files were resolved on Linux; on other platforms, and when asked
        for hashes or for every Python, the merged file (markers pick the lines) is the one.
        """
        if hashes:
            return self.data_dir / str(self.files["merged_hashes"])
        if python is not None and python not in self.pythons:
            raise UsageError(
                f"channel {self.name} supports Python {', '.join(self.pythons)}, not {python}"
            )
        by_python = self.files["by_python"]
        assert isinstance(by_python, dict)
        wanted = python or current_python()
        if merged or wanted not in by_python or (python is None and not sys.platform.startswith("linux")):
            return self.data_dir / str(self.files["merged"])
        return self.data_dir / str(by_python[wanted])


def load(data_dir: Path = DATA_DIR) -> Channel:
    """The channel bundled with this installation of flask-lts."""
    path = data_dir / "channel.json"
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise DataError(f"{path} is missing: this flask-lts installation is broken; reinstall it") from None
    except (OSError, ValueError) as exc:
        raise DataError(f"{path} is unreadable ({exc}); reinstall flask-lts") from None
    if data.get("format") != FORMAT:
        raise DataError(f"{path}: data format {data.get('format')!r}, expected {FORMAT}; reinstall flask-lts")
    return Channel(data, data_dir)
