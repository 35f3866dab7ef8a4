"""The public site of flask-lts and the archive of published serials behind its immutable URLs.

`archive_serial(channel, constraints_dir, archive_dir)` adds a channel's current serial to
`published/<channel>/<version>/` (refusing to change a published one);
`build_site(out, ...)` renders `site/` from the channels, that archive, the
verification reports and the advisories. See docs/site.md.
"""

from ._archive import ArchiveError, ArchiveOutcome, PublishedSerial, archive_serial, read_archive
from ._build import SiteError, build_site, site_files

__all__ = [
    "ArchiveError",
    "ArchiveOutcome",
    "PublishedSerial",
    "SiteError",
    "archive_serial",
    "build_site",
    "read_archive",
    "site_files",
]
