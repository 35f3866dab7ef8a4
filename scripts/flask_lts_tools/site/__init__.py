"""The public site of flask-lts and the archive of published serials behind its immutable URLs.

`publish(channel, constraints_dir, archive_dir)` adds a channel's current serial to
`published/<channel>/<version>/` (refusing to change a published one);
`build_site(out, ...)` renders `site/` from the channels, that archive, the
verification reports and the advisories. See docs/site.md.
"""

from ._archive import PublishedSerial, PublishError, publish, read_archive
from ._build import SiteError, build_site, site_files
from ._cli import add_publish_arguments, add_site_arguments, run_publish, run_site

__all__ = [
    "PublishError",
    "PublishedSerial",
    "SiteError",
    "add_publish_arguments",
    "add_site_arguments",
    "build_site",
    "publish",
    "read_archive",
    "run_publish",
    "run_site",
    "site_files",
]
