"""The upgrade reports on the site: read back from reports/upgrade/*.json (make upgrade-report)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .. import _layout as layout
from .._exceptions import SiteError, UpgradeReportError
from ..upgrade_report import report_from_json


def upgrade_page_name(old: str, new: str) -> str:
    return f"upgrade/{old}-to-{new}.html"


def read_upgrade_reports(reports_dir: Path, channels: Sequence[str]) -> list[dict]:
    """Every committed upgrade report between two of these channels, oldest move first."""
    folder = layout.upgrade_report_file("x", "y", ".json", reports_dir).parent
    reports = []
    for path in sorted(folder.glob("*-to-*.json")) if folder.is_dir() else ():
        try:
            report = report_from_json(path.read_text(encoding="utf-8"))
        except (UpgradeReportError, ValueError) as exc:
            raise SiteError(f"{path}: not an upgrade report ({exc}); remake it with make upgrade-report") from None
        if report["old"] in channels and report["new"] in channels:
            reports.append(report)
    return sorted(reports, key=lambda r: (r["old"], r["new"]))
