"""The site as its readers get it: built from this repository, served on 127.0.0.1, opened in a
real headless Chromium (Debian's chromium + chromium-driver, driven by selenium), and used
by a real pip that takes a constraints URL straight from the page's API."""

from __future__ import annotations

import datetime as _dt
import functools
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.request
from collections import deque
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest

from flask_lts_tools._layout import SITE_URL
from flask_lts_tools.constraints import index_urls
from conftest import ROOT, installed_versions
from flask_lts_tools.audit import default_advisory_dirs
from flask_lts_tools.channel import load_channels
from flask_lts_tools.constraints import pins_for, read_pins
from flask_lts_tools.site import archive_serial, build_site
from flask_lts_tools._cli.site import DEFAULT_BASE_URL

pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
INSTALL_HINT = "apt-get install -y chromium chromium-driver"
# Set to a folder (docs/screenshots) to refresh the screenshots the docs show.
SCREENSHOTS = os.environ.get("FLASK_LTS_SITE_SCREENSHOTS")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _serve(work: Path, base_url: str | None = None):
    """Build site/ from the repository into `work` and serve it on 127.0.0.1; (server, base, out).

    The current serials are published into a copy of the archive, so the test sees what
    `make site` would build; commands on the pages name `base_url` (default: this server).
    """
    archive = work / "published"
    if not archive.exists() and (ROOT / "published").is_dir():
        shutil.copytree(ROOT / "published", archive)
    for channel in load_channels(ROOT / "channels"):
        archive_serial(channel, ROOT / "constraints", archive)
    out = work / "site"
    out.mkdir(exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    build_site(
        out, channels_dir=ROOT / "channels", constraints_dir=ROOT / "constraints", archive_dir=archive,
        reports_dir=ROOT / "reports", advisory_dirs=default_advisory_dirs(), today=_dt.date.today(),
        base_url=base_url or base,
    )  # fmt: skip
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base, out


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server, base, out = _serve(tmp_path_factory.mktemp("site"))
    yield base, out, load_channels(ROOT / "channels")
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).is_file()]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: the site's browser test needs Debian's Chromium and ChromeDriver; "
                    f"install them with: {INSTALL_HINT}")  # fmt: skip
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is not installed: pip install -e '.[test]' (or make venv)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    # Running as root needs --no-sandbox; the closed network needs the background services off.
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-proxy-server", "--hide-scrollbars", f"--user-data-dir={profile}"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


_LINKS = """
return Array.from(document.querySelectorAll('[href], [src]')).map(function (e) {
  var value = e.getAttribute('href') !== null ? e.getAttribute('href') : e.getAttribute('src');
  return new URL(value, document.baseURI).href;
});
"""


def _errors(driver) -> list[str]:
    return [f"{e['level']}: {e['message']}" for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_every_page_loads_without_errors_and_every_internal_link_resolves(served, browser):
    base, out, channels = served
    pages = deque([base + "index.html"])
    seen_pages: set[str] = set()
    fetched: set[str] = set()
    fragments: list[tuple[str, str, str]] = []  # (page, target page, id)
    problems = []
    while pages:
        page = pages.popleft()
        if page in seen_pages:
            continue
        seen_pages.add(page)
        browser.get(page)
        assert browser.title, f"{page}: no title"
        problems += [f"{page}: {e}" for e in _errors(browser)]
        for link in browser.execute_script(_LINKS):
            if not link.startswith(base):
                continue  # outside links (advisories) are not ours to check here
            target, fragment = urldefrag(link)
            if fragment:
                fragments.append((page, target, fragment))
            if target.endswith((".html", "/")):
                pages.append(target)
            elif target not in fetched:
                fetched.add(target)
                try:
                    with urllib.request.urlopen(target, timeout=10) as response:
                        body = response.read()
                except OSError as exc:
                    problems.append(f"{page}: broken link {target}: {exc}")
                    continue
                if target.endswith(".json"):
                    json.loads(body)
    for page, target, fragment in fragments:
        browser.get(target)
        if not browser.execute_script("return document.getElementById(arguments[0]) !== null", fragment):
            problems.append(f"{page}: link to {target}#{fragment}, which has no such id")
    assert not problems, "\n".join(problems)
    assert {f"{base}{c.name}/index.html" for c in channels} <= seen_pages
    # Every published file, and the aliases, are reachable by following links.
    published = {base + p.relative_to(out).as_posix() for p in out.glob("*/*.*/*") if p.is_file()}
    unreached = sorted(published - fetched)
    assert not unreached, f"published files no page links to: {unreached[:5]}"


def test_timeline_shows_every_channel(served, browser):
    from selenium.webdriver.common.by import By

    base, _, channels = served
    browser.set_window_size(1280, 1000)
    browser.get(base + "index.html")
    svg = browser.find_element(By.CSS_SELECTOR, "svg#timeline")
    assert svg.is_displayed() and svg.size["width"] > 600 and svg.size["height"] > 100
    rows = {row.get_attribute("data-channel"): row for row in svg.find_elements(By.CSS_SELECTOR, "a.timeline-row")}
    assert set(rows) == {c.name for c in channels}
    for channel in channels:
        bars = rows[channel.name].find_elements(By.CSS_SELECTOR, "rect.phase")
        assert bars and all(b.size["width"] > 0 for b in bars), channel.name
        assert channel.name in rows[channel.name].text
    # Today's mark: a line across the rows (a line has no box, so its label is what shows) and its date.
    label = svg.find_element(By.CSS_SELECTOR, "text.today-label")
    assert label.is_displayed() and label.text.startswith("today 20")
    line = svg.find_element(By.CSS_SELECTOR, "line.today")
    assert float(line.get_attribute("y2")) > float(line.get_attribute("y1"))


def test_index_screenshot_and_phone_width(served, browser, tmp_path_factory):
    from selenium.webdriver.common.by import By

    base, _, channels = served
    server = None
    if SCREENSHOTS:  # for the docs: the commands show the public URL, not this test's server
        server, base, _ = _serve(tmp_path_factory.mktemp("docs-site"), DEFAULT_BASE_URL)
    artefacts = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path_factory.mktemp("screenshots")
    artefacts.mkdir(parents=True, exist_ok=True)
    shots = {"index.png": ("index.html", 1000, 1250)}
    shots[f"channel-{channels[0].name}.png"] = (f"{channels[0].name}/index.html", 1000, 1250)
    shots["index-phone.png"] = ("index.html", 390, 1300)
    for name, (page, width, height) in shots.items():
        browser.set_window_size(width, height)
        browser.get(base + page)
        assert browser.save_screenshot(str(artefacts / name))
        assert (artefacts / name).stat().st_size > 10_000
        if width < 500:  # readable on a phone: nothing wider than the screen but inside scroll boxes
            overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{page} is {overflow}px wider than a {width}px phone screen"
            compact = browser.find_element(By.CSS_SELECTOR, "svg#timeline-compact")
            assert compact.is_displayed() and not browser.find_element(By.CSS_SELECTOR, "svg#timeline").is_displayed()
            assert compact.size["width"] <= width
        assert not _errors(browser)
    print(f"screenshots in {artefacts}")
    if server is not None:
        server.shutdown()
        server.server_close()


def test_pip_installs_from_the_served_constraints_url(served, tmp_path):
    base, out, channels = served
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    # a live channel (an end-of-life one is archived: its page is not the one users copy from)
    channel = next((c for c in sorted(channels, key=lambda c: c.name) if python in c.pythons and c.status != "end-of-life"), None)
    if channel is None:
        pytest.fail(f"no channel claims Python {python}, the interpreter running the tests")
    api = json.loads((out / "api" / "channels.json").read_text())
    record = next(c for c in api["channels"] if c["name"] == channel.name)
    url = record["latest"]["constraints"]["url"]  # what the page tells a user to copy
    assert url == f"{base}{channel.name}/{channel.version}/flask-lts-{channel.name}.txt"
    assert urlparse(url).hostname == "127.0.0.1"
    expected = pins_for(read_pins(ROOT / "constraints" / f"flask-lts-{channel.name}.txt"), python)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PIP_CONSTRAINT")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    # A serial that pins the channel's builds names the index of the site it is published on; this
    # site is served here, so the file pip reads (beside the page's, same folder) names this copy.
    served_file = out / urlparse(url).path.lstrip("/")
    text = served_file.read_text()
    for index in index_urls(text):
        assert index == f"{SITE_URL}{channel.name}/simple/", index
        text = text.replace(f"--extra-index-url {index}\n", f"--extra-index-url {base}{channel.name}/simple/\n")
    (served_file.parent / f"here-{served_file.name}").write_text(text)
    here = url.rsplit("/", 1)[0] + f"/here-{served_file.name}"
    install = subprocess.run([*pip, "install", "--disable-pip-version-check", "-c", here, "flask"], check=False,
                             capture_output=True, text=True, timeout=600, env=env)  # fmt: skip
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    installed = installed_versions(pip)
    for name in ("flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "click", "blinker"):
        assert installed.get(name) == expected[name].version, f"{name}: {installed.get(name)} != {expected[name].version}"
