"""What may enter a frozen channel, as constraints the resolver obeys (docs/refresh.md,
"What may enter a frozen channel").

- `supported` (bug-fix phase): any release inside the frozen series, after verify and the
  canaries pass; a release that regresses a canary is **held** (the channel file's
  `[[held]]`: that release is refused, the pin stays where it was).
- `security-only`: a package moves only to a release that fixes an advisory against the
  channel. Concretely, each package is capped at the newest release of its series published
  by `bugfix-until`; where an advisory affects that release and a newer release inside the
  series fixes it, the cap rises to the oldest release that fixes every such advisory the
  series fixes (an advisory fixed only in a later series does not keep the others open; it is
  decided as an exception or accepted), and what that release strictly requires comes with it
  through the resolver.
- `preview` and `end-of-life`: no policy beyond the series (a preview is not frozen yet; an
  end-of-life channel does not change).

`admission_lines(channel, python, advisories)` returns the lines (`flask-httpauth!=4.8.1`,
`werkzeug<=3.0.3`), each with its reason, that `resolve` adds to the series constraints.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass


from . import index
from .channel import Channel


@dataclass(frozen=True)
class Admission:
    package: str
    line: str  # a constraints line for the resolver
    reason: str


def _day(moment: _dt.datetime | None) -> _dt.date | None:
    return moment.date() if moment else None


def security_cap(channel: Channel, package: str, python: str, advisories: object | None) -> Admission | None:
    """The cap a security-only channel puts on one package (None: no release is left out)."""
    from .audit import advisories_affecting

    series = channel.allowed_series(package, python)
    if not series:
        return None
    releases = index.project(package).in_series(series)
    if not releases:
        return None
    in_bugfix = [r for r in releases if (_day(r.uploaded) or _dt.date.max) <= channel.bugfix_until]
    if not in_bugfix or in_bugfix[-1] == releases[-1]:
        return None  # nothing in the series came out after the bug-fix phase
    cap = in_bugfix[-1].version
    why = f"security-only since {channel.bugfix_until}: newest {series}.* release of the bug-fix phase"
    if advisories is not None:
        open_ids = {a.id for a in advisories_affecting(advisories, package, str(cap))}  # type: ignore[arg-type]
        if open_ids:
            # Some may be fixed only in a later series (decided as exceptions or accepted):
            # the cap rises to the oldest release that fixes every one the series fixes.
            def fixed_by(release: object) -> set[str]:
                return open_ids - {a.id for a in advisories_affecting(advisories, package, str(release.version))}  # type: ignore[arg-type,attr-defined]

            fixable = fixed_by(releases[-1])
            if fixable:
                for release in releases:
                    if release.version > cap and fixed_by(release) >= fixable:
                        why = f"security-only: {release.version} fixes {', '.join(sorted(fixable))} (affecting {cap})"
                        cap = release.version
                        break
    return Admission(package, f"{package}<={cap}", why)


def admission_lines(channel: Channel, python: str, advisories: object | None = None) -> list[Admission]:
    """Every constraint the channel's status and holds add on one Python."""
    lines = [
        Admission(hold.package, f"{hold.package}!={hold.refused}", f"held at {hold.held_at}: {hold.refused} regresses {', '.join(hold.canaries)}")
        for hold in channel.held
    ]
    if channel.status == "security-only":
        index.projects(sorted(channel.series))  # one parallel round of index queries, then cached
        for package in sorted(channel.series):
            cap = security_cap(channel, package, python, advisories)
            if cap is not None:
                lines.append(cap)
    return lines
