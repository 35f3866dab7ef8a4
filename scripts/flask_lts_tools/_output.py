"""Terminal and Markdown output shared by every command: one table format and one step logger."""

from __future__ import annotations

import sys
import time
from typing import Callable, Sequence


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain Markdown table, aligned so it also reads well in a terminal."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |"

    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells)])


class Progress:
    """The step logger of long commands: one line per step on stderr, with the time since
    the start and the scope (channel, Python) it is about."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, message: str, scope: str = "") -> None:
        elapsed = time.monotonic() - self.started
        prefix = f"[{elapsed:6.1f}s]" + (f" {scope}" if scope else "")
        print(f"{prefix} {message}", file=sys.stderr, flush=True)

    def scoped(self, scope: str) -> Callable[[str], None]:
        return lambda message: self(message, scope)
