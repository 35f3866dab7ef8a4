"""Argument types shared by commands."""

from __future__ import annotations

import argparse
import datetime as _dt


def iso_date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-01-31") from None
