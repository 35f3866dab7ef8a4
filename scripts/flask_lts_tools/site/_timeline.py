"""The support timeline: one bar per channel, from its freeze through bug-fix and security support.

Drawn as plain SVG (presentation attributes, no style sheet, no script), so the same
markup works inline in index.html and as a standalone timeline.svg, and a strict
Content-Security-Policy has nothing to block. Two layouts: `wide` (names left of the
bars, phase names on them) and `compact` for phone screens (names above the bars), so
that the text stays readable without scrolling sideways.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from html import escape
from typing import Sequence

from ..channel import Channel

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

# phase -> (fill, text colour, legend label); colours keep 4.5:1 contrast for their labels.
PHASES = {
    "preview": ("#cfe3f7", "#0b3a66", "frozen, not yet released"),
    "bugfix": ("#2e7d32", "#ffffff", "bug and security fixes"),
    "security": ("#f2b705", "#3b2a00", "security fixes only"),
    "end-of-life": ("#9e9e9e", "#1f1f1f", "end of life"),
}


@dataclass(frozen=True)
class Layout:
    id: str
    width: int
    label: int  # width of the names' column (0: names above the bars)
    row: int
    bar: int
    legend_columns: int
    phase_text: bool  # write the phase's name on a bar wide enough for it


WIDE = Layout("timeline", 880, 150, 40, 22, 4, True)
COMPACT = Layout("timeline-compact", 400, 0, 52, 20, 2, False)
RIGHT = 14
TOP = 34  # the year axis


def _phases(channel: Channel) -> list[tuple[str, _dt.date, _dt.date]]:
    if channel.status == "end-of-life":
        return [("end-of-life", channel.release_date, channel.security_until)]
    return [
        ("preview", channel.freeze_date, channel.release_date),
        ("bugfix", channel.release_date, channel.bugfix_until),
        ("security", channel.bugfix_until, channel.security_until),
    ]


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def timeline_svg(
    channels: Sequence[Channel], today: _dt.date, href: str = "{name}/index.html", layout: Layout = WIDE
) -> str:
    """The chart for `channels` (oldest first), `today` marked; each channel's row links to `href`."""
    ordered = sorted(channels, key=lambda c: (c.release_date, c.name))
    first = min([today.year, *(c.freeze_date.year for c in ordered)])
    last = max([today.year, *(c.security_until.year for c in ordered)])
    start, end = _dt.date(first, 1, 1), _dt.date(last + 1, 1, 1)
    left = layout.label or 8
    plot = layout.width - left - RIGHT
    bottom = TOP + layout.row * len(ordered)
    legend_rows = -(-len(PHASES) // layout.legend_columns)
    height = bottom + 30 + 20 * legend_rows
    ids = f"{layout.id}-title {layout.id}-desc"

    def x(day: _dt.date) -> float:
        return left + plot * (day - start).days / (end - start).days

    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" id="{layout.id}" class="timeline" '
            f'viewBox="0 0 {layout.width} {height}" width="{layout.width}" height="{height}" role="img" '
            f'aria-labelledby="{ids}" font-family="{escape(FONT)}" font-size="13">'
        ),
        f'<title id="{layout.id}-title">Flask LTS support timeline</title>',
        (
            f'<desc id="{layout.id}-desc">One bar per channel: frozen, then bug and security fixes, then security '
            f"fixes only, until its end of life. The red line marks {today.isoformat()}.</desc>"
        ),
        f'<rect x="0" y="0" width="{layout.width}" height="{height}" fill="#ffffff"/>',
    ]
    # Years: a grid line at each 1 January, the year's label centred on its span.
    for year in range(first, last + 2):
        gx = _fmt(x(_dt.date(year, 1, 1)))
        out.append(f'<line x1="{gx}" y1="{TOP - 8}" x2="{gx}" y2="{bottom}" stroke="#d0d0d0" stroke-width="1"/>')
        if year <= last:
            mid = (x(_dt.date(year, 1, 1)) + x(_dt.date(year + 1, 1, 1))) / 2
            out.append(f'<text x="{_fmt(mid)}" y="{TOP - 14}" text-anchor="middle" fill="#333333">{year}</text>')
    for row, channel in enumerate(ordered):
        top = TOP + layout.row * row
        bar_y = top + layout.row - layout.bar - 8 if not layout.label else top + (layout.row - layout.bar) / 2
        out.append(
            f'<a href="{escape(href.format(name=channel.name))}" class="timeline-row" data-channel="{escape(channel.name)}" '
            f'aria-label="Channel {escape(channel.name)}: {escape(channel.status)}">'
        )
        if layout.label:
            out.append(f'<text x="8" y="{_fmt(top + layout.row / 2 - 2)}" font-weight="700" font-size="15" '
                       f'fill="#111111">{escape(channel.name)}</text>')  # fmt: skip
            out.append(f'<text x="8" y="{_fmt(top + layout.row / 2 + 13)}" font-size="12" fill="#444444">'
                       f"{escape(channel.status)}</text>")  # fmt: skip
        else:
            out.append(f'<text x="{left}" y="{_fmt(top + 14)}" font-size="14" fill="#111111"><tspan font-weight="700">'
                       f"{escape(channel.name)}</tspan> {escape(channel.status)}</text>")  # fmt: skip
        for phase, begin, until in _phases(channel):
            if until <= begin:
                continue
            fill, ink, label = PHASES[phase]
            x0, x1 = x(begin), x(until)
            out.append(
                f'<rect class="phase phase-{phase}" x="{_fmt(x0)}" y="{_fmt(bar_y)}" width="{_fmt(x1 - x0)}" '
                f'height="{layout.bar}" fill="{fill}" stroke="#ffffff" stroke-width="1">'
                f"<title>{escape(channel.name)}: {label}, {begin.isoformat()} to {until.isoformat()}</title></rect>"
            )
            if layout.phase_text and x1 - x0 > 7 * len(label) + 12:
                out.append(
                    f'<text x="{_fmt((x0 + x1) / 2)}" y="{_fmt(bar_y + layout.bar / 2 + 4.5)}" text-anchor="middle" '
                    f'font-size="12" fill="{ink}">{label}</text>'
                )
        out.append("</a>")
    # Today: a red line across every row, its date under the plot.
    tx = x(today)
    anchor = "end" if tx > layout.width - 90 else ("start" if tx < left + 90 else "middle")
    out.append(f'<line class="today" x1="{_fmt(tx)}" y1="{TOP - 8}" x2="{_fmt(tx)}" y2="{bottom + 4}" '
               'stroke="#c62828" stroke-width="2"/>')  # fmt: skip
    out.append(f'<text class="today-label" x="{_fmt(tx)}" y="{bottom + 18}" text-anchor="{anchor}" fill="#c62828" '
               f'font-weight="700">today {today.isoformat()}</text>')  # fmt: skip
    # Legend, in columns.
    column_width = (layout.width - left - RIGHT) / layout.legend_columns
    for i, phase in enumerate(PHASES):
        fill, _, label = PHASES[phase]
        lx = left + column_width * (i % layout.legend_columns)
        ly = bottom + 30 + 20 * (i // layout.legend_columns)
        out.append(f'<rect x="{_fmt(lx)}" y="{ly}" width="14" height="14" fill="{fill}" stroke="#777777" stroke-width="0.5"/>')
        out.append(f'<text x="{_fmt(lx + 20)}" y="{ly + 12}" font-size="12" fill="#333333">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
