"""How good are `flask-lts scan`'s predictions? Measured on real projects' own test suites.

For a move between two channels (`measure(...)`), each project that works on the old
channel (the canaries, and older projects in channels/canaries/scan-subjects.toml) is scanned, its
suite run under both channels, then `scan --fix` is run on a copy and the suite once more;
`write_measurement` writes reports/scan/<old>-to-<new>.json and .md. docs/scan.md explains
the figures.
"""

from ._measure import Break, Measurement, SubjectResult, common_python, measure, measure_subject
from ._report import markdown, rejudge, write_measurement
from ._run import locations, names_finding, scan_tree
from ._subjects import Subject, load_subjects

__all__ = [
    "Break", "Measurement", "Subject", "SubjectResult", "common_python", "load_subjects", "locations", "markdown", "measure",
    "measure_subject", "names_finding", "rejudge", "scan_tree", "write_measurement",
]  # fmt: skip
