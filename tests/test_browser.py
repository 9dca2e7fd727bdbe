"""The pages in a real headless browser (Debian's chromium, driven by chromedriver through Selenium).

Checks that the home page, a trust page and the query page load without any
console error (a missing file, a CSP violation, a script error all log one),
that the query page really runs a query, and keeps a screenshot of each page
in tests/artifacts/ for a person to look at. Chromium is installed by
.ci/run; without it (outside CI) the tests are skipped.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

from test_server_support import Server, artifacts_dir, prepare_dist

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Debian's chromium and chromium-driver (see .ci/run)")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def server(dataset) -> Iterator[Server]:
    data, dist = prepare_dist(dataset)
    with Server(data, dist) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="gdegraph-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,1400"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver: Any) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]


def visit(driver: Any, url: str, shot: str) -> None:
    driver.get_log("browser")  # drop earlier entries
    driver.get(url)
    driver.save_screenshot(str(artifacts_dir() / shot))
    assert console_errors(driver) == [], url


def test_home_page_loads_cleanly(server: Server, browser: Any) -> None:
    visit(browser, server.url + "/", "browser-home.png")
    assert browser.find_element("tag name", "h1").text.startswith("gdegraph")
    image = browser.find_element("css selector", "#network ~ figure img")
    assert image.get_attribute("alt") and browser.execute_script("return arguments[0].naturalWidth", image) > 0
    assert browser.execute_script("return document.documentElement.lang") == "en"


def test_trust_page_loads_cleanly_with_schema_org(server: Server, browser: Any) -> None:
    import json

    visit(browser, server.url + "/id/trust/RQ6", "browser-trust-RQ6.png")
    assert browser.current_url.endswith("/id/trust/RQ6.html"), "the 303 was followed to the HTML page"
    assert "Royal Liverpool" in browser.find_element("tag name", "h1").text
    block = browser.find_element("css selector", 'script[type="application/ld+json"]')
    assert json.loads(block.get_attribute("textContent"))["@type"] == "MedicalOrganization"
    stylesheet_rules = browser.execute_script("return document.styleSheets[0].cssRules.length")
    assert stylesheet_rules > 10, "the relative stylesheet link loaded"


def test_query_page_runs_a_query(server: Server, browser: Any) -> None:
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    visit(browser, server.url + "/sparql", "browser-query-empty.png")
    browser.find_element("css selector", "#query-form button").click()
    WebDriverWait(browser, 30).until(expected_conditions.text_to_be_present_in_element(("id", "status"), "Done"))
    rows = browser.find_elements("css selector", "#results tbody tr")
    assert len(rows) >= 25
    browser.save_screenshot(str(artifacts_dir() / "browser-query-results.png"))
    assert console_errors(browser) == []


def test_static_site_pages_open_from_files(dataset, browser: Any, tmp_path_factory: Any) -> None:
    from gdegraph.site.build import Site
    from gdegraph.site.model import Model

    data, dist = prepare_dist(dataset)
    site = Site(Model.load(data), dumps_dir=dist, network_dir=dist / "network")
    root = tmp_path_factory.mktemp("static-site")
    for path in ("index.html", "id/trust/RQ6.html", "static/site.css", "static/favicon.svg",
                 "network/pairing-network.png"):
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(site.render(path)[0])
    visit(browser, (root / "id/trust/RQ6.html").as_uri(), "browser-static-trust-RQ6.png")
    header = browser.find_element("css selector", "header.site")
    assert header.value_of_css_property("background-color") == "rgba(0, 48, 135, 1)", "relative CSS link works"


def test_query_page_never_links_javascript_or_data_iris(server: Server, browser: Any) -> None:
    """Result IRIs with other schemes than http(s)/ftp/mailto are shown as text (issue 14)."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    visit(browser, server.url + "/sparql", "browser-query-empty.png")
    box = browser.find_element("css selector", "#query-form textarea")
    box.clear()
    box.send_keys('SELECT ?x WHERE { VALUES ?x { <javascript:alert(1)> <data:text/html,x> <https://example.org/> } }')
    browser.find_element("css selector", "#query-form button").click()
    WebDriverWait(browser, 30).until(expected_conditions.text_to_be_present_in_element(("id", "status"), "Done"))
    cells = browser.find_elements("css selector", "#results tbody td")
    assert [c.text for c in cells] == ["javascript:alert(1)", "data:text/html,x", "https://example.org/"]
    links = [a.get_attribute("href") for a in browser.find_elements("css selector", "#results tbody a")]
    assert links == ["https://example.org/"]
