"""The repository's layout and file names, in one place.

Every folder the toolkit reads or writes by default, and every name a constraints
file, a report or a cache entry gets, is defined here; modules and the command
line take their defaults from these names and never spell a path themselves.
Paths are relative to the repository root (the maintainer's working directory).
"""

from __future__ import annotations

from pathlib import Path

# The checkout the toolkit runs from (it is installed editable from scripts/): for data
# that is found beside the code whatever the working directory (the advisories).
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]

# Where the site is served (`make site`, docs/site.md): each channel's published serials and its
# own package index (`<channel>/simple/`) live under it.
SITE_URL = "https://flask-lts.github.io/flask-lts/"

# -- data in ----------------------------------------------------------------------------
CHANNELS = Path("channels")  # channels/<name>.toml
KNOWN_FAILURES = CHANNELS / "known-failures"  # common.toml, then <channel>.toml
CANARIES = CHANNELS / "canaries" / "registry.toml"  # the canary registry
CANARIES_REJECTED = CHANNELS / "canaries" / "rejected.toml"  # candidates checked and left out, with why
COMMON_KNOWN_FAILURES = KNOWN_FAILURES / "common.toml"
COMPAT_APPS = Path("compat-apps")  # the verifier's small real Flask apps
ADVISORIES = Path("advisories")  # OSV records (osv/, local/) and their manifest
UPGRADES = CHANNELS / "upgrades"  # <package>.toml: the breaking entries of its changelog, curated
SCAN_SUBJECTS = CHANNELS / "canaries" / "scan-subjects.toml"  # projects (and verdicts) that measure flask-lts scan

# -- artefacts out (committed) ------------------------------------------------------------
CONSTRAINTS = Path("constraints")
REPORTS = Path("reports")  # reports/<set>/py<X.Y>.json and summary.md
SCAN_REPORTS = REPORTS / "scan"  # <old>-to-<new>.json and .md: flask-lts scan measured on real suites
PUBLISHED = Path("published")  # every published serial, never rewritten
PACKAGES = Path("packages")  # packages/<channel>/: the channel's own builds (backports), never rewritten
DOCKER = Path("docker")  # docker/<channel>/py<X.Y>/Dockerfile
BAKE_FILE = Path("docker-bake.hcl")

# -- build outputs (not committed) ---------------------------------------------------------
DIST = Path("dist")  # the installer package's sdist and wheel
SITE = Path("site")  # the static site

# -- caches (safe to delete) ------------------------------------------------------------------
CACHE = Path(".cache")
TOOLS = CACHE / "tools"  # one pip-tools environment per Python
VERIFY_WORK = CACHE / "verify"  # one work folder per (set, Python)
SDISTS = CACHE / "sdists"  # sdists of the upstream suites, sha256-checked
TESTTOOLS = CACHE / "testtools"  # resolved and installed test tools, per Python
BACKPORTS_WORK = CACHE / "backports"  # <channel>/: staged backport builds and their gate, before publishing
API_DIFF = CACHE / "api-diff"  # <name>-<version>/: releases unpacked for the API difference of a refresh


def constraints_name(channel: str) -> str:
    """The merged constraints file of a channel: every pin, every Python."""
    return f"flask-lts-{channel}.txt"


def hashed_constraints_name(channel: str) -> str:
    """The merged file with `--hash` lines."""
    return f"flask-lts-{channel}-hashes.txt"


def per_python_name(python: str, hashes: bool = False) -> str:
    """One Python's pins, inside the channel's folder (`<channel>/py3.12.txt`)."""
    return f"py{python}{'-hashes' if hashes else ''}.txt"


def constraints_file(channel: str, constraints_dir: Path = CONSTRAINTS) -> Path:
    return constraints_dir / constraints_name(channel)


def hashed_constraints_file(channel: str, constraints_dir: Path = CONSTRAINTS) -> Path:
    return constraints_dir / hashed_constraints_name(channel)


def per_python_file(channel: str, python: str, hashes: bool = False, constraints_dir: Path = CONSTRAINTS) -> Path:
    return constraints_dir / channel / per_python_name(python, hashes)


def changelog_file(channel: str, constraints_dir: Path = CONSTRAINTS) -> Path:
    return constraints_dir / channel / "CHANGES.md"


def report_file(set_name: str, python: str, reports_dir: Path = REPORTS) -> Path:
    return reports_dir / set_name / f"py{python}.json"


def summary_file(set_name: str, reports_dir: Path = REPORTS) -> Path:
    return reports_dir / set_name / "summary.md"


def upgrade_report_file(old: str, new: str, suffix: str = ".md", reports_dir: Path = REPORTS) -> Path:
    """The upgrade report between two channels (`reports/upgrade/2022-to-2024.md`, `.json`)."""
    return reports_dir / "upgrade" / f"{old}-to-{new}{suffix}"


def canary_folder(channel: str, reports_dir: Path = REPORTS) -> Path:
    """The canary reports of a channel: one per Python, its summary, and shard reports."""
    return reports_dir / "canaries" / channel


def canary_report_file(channel: str, python: str, reports_dir: Path = REPORTS) -> Path:
    return canary_folder(channel, reports_dir) / f"py{python}.json"


def canary_summary_file(channel: str, python: str, reports_dir: Path = REPORTS) -> Path:
    return canary_folder(channel, reports_dir) / f"summary-py{python}.md"


def canary_shard_report_file(channel: str, python: str, index: int, count: int, reports_dir: Path = REPORTS) -> Path:
    """One shard's report (`py3.12.shard-2-of-3.json`): merged into the channel's report, not read by the site."""
    return canary_folder(channel, reports_dir) / f"py{python}.shard-{index}-of-{count}.json"


def canary_shard_pattern(python: str) -> str:
    """The glob that finds the shard reports of one Python in a folder."""
    return f"py{python}.shard-*-of-*.json"


def canary_report_files(channel: str, reports_dir: Path = REPORTS) -> dict[str, Path]:
    """Python -> the channel's canary report of that Python (shard reports left out), by Python version."""
    folder = canary_folder(channel, reports_dir)
    found = {}
    for path in folder.glob("py*.json") if folder.is_dir() else ():
        python = path.name[2:-5]
        if python.replace(".", "").isdigit() and python.count(".") == 1:
            found[python] = path
    return dict(sorted(found.items(), key=lambda item: tuple(int(n) for n in item[0].split("."))))


def known_failure_files(channel: str | None, explicit: Path | None = None, channels_dir: Path = CHANNELS) -> list[Path]:
    """Known upstream failures that apply: the common file (what the verification machines
    lack: services, system libraries; true of any set), then the channel's own file (its
    accepted incompatibilities), or the file given with --known-failures instead."""
    folder = channels_dir / KNOWN_FAILURES.name
    own = explicit or (folder / f"{channel}.toml" if channel is not None else None)
    return [p for p in (folder / COMMON_KNOWN_FAILURES.name, own) if p is not None and (p.exists() or p is explicit)]


def patches_folder(channel: str, package: str, channels_dir: Path = CHANNELS) -> Path:
    """A channel's backport patches of one package: `channels/<channel>/patches/<package>/`."""
    return channels_dir / channel / "patches" / package


def packages_folder(channel: str, packages_dir: Path = PACKAGES) -> Path:
    """The published builds of a channel's own package index (`packages/<channel>/`)."""
    return packages_dir / channel


def channel_index_url(channel: str, base_url: str = SITE_URL) -> str:
    """The channel's own package index (its backported builds), as constraints files name it."""
    return f"{base_url if base_url.endswith('/') else base_url + '/'}{channel}/simple/"


def scan_measure_file(old: str, new: str, reports_dir: Path = REPORTS) -> Path:
    """The measurement of `flask-lts scan` on the move old -> new (and .md beside it)."""
    return reports_dir / "scan" / f"{old}-to-{new}.json"
