"""The pages in a real headless browser (Debian's chromium, driven by chromedriver through Selenium).

Both ways the site is published are driven: ``gdegraph serve`` on 127.0.0.1 and the static site built by
``gdegraph site`` opened from disk (``file://``), whose workbench runs queries in the page. The browser
types a query in the workbench and runs a gallery query, opens a permalink, searches with a typo, applies two facets and reloads the filtered view's
address, opens a map popup and checks the network view; every page must log no console error and ask no
host but the server (or the disk) for anything, map tiles excepted. Chromium resolves every other host to
nothing (``--host-resolver-rules``), so the tiles fail without any traffic leaving the machine, which
also proves the points and lines show without them. Screenshots go to tests/artifacts/ (and, with
``GDEGRAPH_SCREENSHOTS=DIR``, the documentation's to DIR: ``make screenshots``). Chromium is installed by
.ci/run; without it (outside CI) the tests are skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from gdegraph.model import iris
from test_server_support import Server, artifacts_dir, prepare_dist

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
TILE_HOST = "tile.openstreetmap.org"
QUERY = "SELECT ?trust WHERE { ?trust a <https://w3id.org/gdegraph/def#Trust> } LIMIT 3"

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
def static_root(dataset, tmp_path_factory: Any) -> str:
    """The whole static site, as ``gdegraph site`` writes it, as a ``file://`` URL of its folder."""
    from gdegraph.site.build import build_site

    data, dist = prepare_dist(dataset)
    out = tmp_path_factory.mktemp("static-site") / "site"
    build_site(out, data, dist)
    return out.as_uri()


@pytest.fixture(params=["serve", "static"])
def root(request: Any) -> str:
    """The site's root URL, from the server or from disk."""
    if request.param == "serve":
        return request.getfixturevalue("server").url + "/"
    return request.getfixturevalue("static_root") + "/"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="gdegraph-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,1400",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver: Any) -> list[str]:
    """Console errors, except the map tiles' failure to load (no host but 127.0.0.1 resolves here)."""
    return [e["message"] for e in driver.get_log("browser")
            if e["level"] in ("SEVERE", "ERROR") and TILE_HOST not in e["message"]]


def foreign_requests(driver: Any) -> list[str]:
    """URLs the page asked for from any host but the server, the disk or the map tiles."""
    found = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.hostname not in ("127.0.0.1", TILE_HOST):
                found.append(url)
    return found


def shot(driver: Any, name: str) -> None:
    driver.save_screenshot(str(artifacts_dir() / name))
    docs = os.environ.get("GDEGRAPH_SCREENSHOTS")
    if docs and not name.startswith("static-"):
        Path(docs).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(docs) / name))


def visit(driver: Any, url: str) -> None:
    driver.get_log("browser")  # drop earlier entries
    driver.get_log("performance")
    driver.get(url)


def clean(driver: Any) -> None:
    assert console_errors(driver) == [], driver.current_url
    assert foreign_requests(driver) == [], driver.current_url


def wait(driver: Any, condition: Any, seconds: float = 30) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(condition)


def prefix(root: str) -> str:
    return "static-" if root.startswith("file:") else ""


def test_home_page_loads_cleanly(root: str, browser: Any) -> None:
    visit(browser, root + "index.html")
    assert browser.find_element("tag name", "h1").text.startswith("gdegraph")
    image = browser.find_element("css selector", "#network ~ figure img")
    assert image.get_attribute("alt") and browser.execute_script("return arguments[0].naturalWidth", image) > 0
    assert browser.execute_script("return document.documentElement.lang") == "en"
    clean(browser)


def test_trust_page_summary_and_small_map(root: str, browser: Any) -> None:
    visit(browser, root + "id/trust/RQ6.html")
    assert "Royal Liverpool" in browser.find_element("tag name", "h1").text
    summary = browser.find_element("css selector", "p.summary")
    assert len(summary.find_elements("tag name", "a")) >= 3 and "paired with" in summary.text
    block = browser.find_element("css selector", 'script[type="application/ld+json"]')
    assert json.loads(block.get_attribute("textContent"))["@type"] == "MedicalOrganization"
    wait(browser, lambda d: d.find_elements("css selector", "#minimap path.leaflet-interactive"))
    assert browser.find_elements("css selector", "#minimap .leaflet-control-attribution a")
    shot(browser, prefix(root) + "trust-page.png")
    browser.set_window_size(360, 900)
    try:
        browser.refresh()
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, "no sideways scrolling at 360 px"
        shot(browser, prefix(root) + "trust-page-360.png")
    finally:
        browser.set_window_size(1280, 1400)
    clean(browser)


def test_search_with_a_typo(root: str, browser: Any) -> None:
    visit(browser, root + "classes/Programme.html")
    box = browser.find_element("id", "site-search")
    box.send_keys("Liverpol Womens")
    hits = wait(browser, lambda d: d.find_elements("css selector", "#search-results a"))
    assert any("Liverpool Women" in a.text for a in hits), [a.text for a in hits]
    box.clear()
    box.send_keys("RQ6")
    wait(browser, lambda d: "Royal Liverpool" in d.find_element("id", "search-results").text)
    browser.find_element("css selector", "#search-results a").click()
    wait(browser, lambda d: d.current_url.endswith("id/trust/RQ6.html"))
    clean(browser)


def test_two_facets_filter_and_the_address_keeps_them(root: str, browser: Any) -> None:
    visit(browser, root + "classes/Trust.html")
    total = len(browser.find_elements("css selector", "#facet-rows tbody tr"))
    browser.find_element("css selector", '.facet input[name="programme"][value="Global Digital Exemplar programme"]').click()
    browser.find_element("css selector", '.facet input[name="sector"][value="mental health"]').click()
    shown = browser.find_elements("css selector", "#facet-rows tbody tr:not([hidden])")
    assert 0 < len(shown) < total
    assert "sector=mental+health" in browser.current_url and "programme=" in browser.current_url
    assert browser.find_element("id", "facet-status").text.startswith(f"{len(shown)} of {total}")
    browser.find_element("css selector", "button.sort[data-column='1']").click()
    codes = [tr.find_elements("tag name", "td")[1].text for tr in
             browser.find_elements("css selector", "#facet-rows tbody tr:not([hidden])")]
    assert codes == sorted(codes)
    shot(browser, prefix(root) + "faceted-list.png")
    filtered = browser.current_url
    visit(browser, "about:blank")
    visit(browser, filtered)
    assert len(browser.find_elements("css selector", "#facet-rows tbody tr:not([hidden])")) == len(shown)
    clean(browser)


def test_map_popup_links_to_the_trust(root: str, browser: Any) -> None:
    visit(browser, root + "map.html")
    markers = wait(browser, lambda d: d.find_elements("css selector", "#map path.leaflet-interactive"))
    assert int(browser.find_element("id", "map").get_attribute("data-lines")) >= 20, "pairing lines drawn"
    shot(browser, prefix(root) + "map.png")
    markers[-1].click()
    link = wait(browser, lambda d: d.find_elements("css selector", ".leaflet-popup-content a"))[0]
    assert "/id/trust/" in link.get_attribute("href") or "/id/pairing/" in link.get_attribute("href")
    clean(browser)


def test_network_view_links_and_filters(root: str, browser: Any) -> None:
    visit(browser, root + "network.html")
    wait(browser, lambda d: d.find_element("id", "network").get_attribute("data-shown"))
    total = int(browser.find_element("id", "network").get_attribute("data-shown"))
    assert total >= 20
    browser.find_element("css selector", 'input[name="sector"][value="acute"]').click()
    assert int(browser.find_element("id", "network").get_attribute("data-shown")) < total
    clean(browser)


def test_workbench_typed_query_and_gallery_query(root: str, browser: Any) -> None:
    """Typed and gallery queries run: on the server at its endpoint, on the static site opened from disk
    in the page itself (oxigraph's WebAssembly build over the site's quads), asking no host for anything."""
    visit(browser, root + ("sparql.html" if root.startswith("file:") else "sparql"))
    editor = wait(browser, lambda d: d.find_element("css selector", ".CodeMirror textarea"))
    browser.execute_script("window.gdeWorkbench.getTab().getYasqe().setValue('')")
    browser.find_element("css selector", ".CodeMirror").click()
    editor.send_keys("SELECT ?p WHERE { ?p a <https://w3id.org/gdegraph/def#Programme> ")
    typed = browser.execute_script("return window.gdeWorkbench.getTab().getYasqe().getValue()")
    if not typed.rstrip().endswith("}"):  # the editor closes brackets as they are typed, or not
        editor.send_keys("}")
    browser.find_element("css selector", ".yasqe_queryButton").click()
    try:
        wait(browser, lambda d: len(d.find_elements("css selector", ".yasr table.dataTable tbody tr")) == 3)
    except Exception:
        shot(browser, prefix(root) + "workbench-failed.png")
        raise AssertionError(browser.execute_script("return window.gdeWorkbench.getTab().getYasqe().getValue()")
                             + " | " + browser.find_element("id", "workbench-status").text
                             + " | " + browser.find_element("css selector", ".yasr").text[:500])
    names = [tr.text for tr in browser.find_elements("css selector", ".yasr table.dataTable tbody tr")]
    assert len(names) == 3 and all(names), names
    browser.find_element("css selector", 'button.load-example[data-query="followers-of"]').click()
    wait(browser, lambda d: "Liverpool Women" in d.find_element("css selector", ".yasr").text)
    links = browser.find_elements("css selector", ".yasr table.dataTable a[href*='id/trust/']")
    assert links and links[0].text.endswith(")") and not links[0].text.startswith("http"), \
        "dataset IRIs read as names (with their codes) and open their pages"
    assert links[0].get_attribute("href").startswith(root + "id/trust/")
    # regression: the nine-column result widened the whole page (a horizontal scrollbar under everything)
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"a wide result widens the page by {overflow} px instead of scrolling in its box"
    shot(browser, prefix(root) + "workbench.png")
    clean(browser)


def test_static_workbench_reports_a_syntax_error(static_root: str, browser: Any) -> None:
    """A query the in-browser engine cannot parse fails as on the server: a message, no console error."""
    visit(browser, static_root + "/sparql.html?query=" + quote("SELECT ?x WHERE { ?x"))
    wait(browser, lambda d: d.find_element("id", "workbench-status").text == "The query failed.")
    assert "error at 1:" in browser.find_element("css selector", ".yasr").text
    assert not browser.find_elements("css selector", ".yasr table.dataTable tbody tr")
    clean(browser)


def test_workbench_never_links_javascript_or_data_iris(server: Server, browser: Any) -> None:
    """Result IRIs with other schemes than http(s)/ftp/mailto are shown as text (issue 14)."""
    query = 'SELECT ?x WHERE { VALUES ?x { <javascript:alert(1)> <data:text/html,x> <https://example.org/> } }'
    visit(browser, server.url + "/sparql?query=" + quote(query))
    wait(browser, lambda d: len(d.find_elements("css selector", ".yasr table.dataTable tbody tr")) == 3)
    table = browser.find_element("css selector", ".yasr table.dataTable tbody")
    assert "javascript:alert(1)" in table.text and "data:text/html,x" in table.text
    links = [a.get_attribute("href") for a in table.find_elements("css selector", "a[href]")]
    assert links == ["https://example.org/"]
    clean(browser)


def test_permalink_opens_the_workbench_and_runs(server: Server, browser: Any) -> None:
    visit(browser, server.url + "/sparql?query=" + quote(QUERY))
    assert browser.find_element("tag name", "h1").text == "Query workbench"
    wait(browser, lambda d: len(d.find_elements("css selector", ".yasr table.dataTable tbody tr")) == 3)
    assert "LIMIT 3" in browser.execute_script("return window.gdeWorkbench.getTab().getQuery()")
    clean(browser)


def test_static_query_page_and_workbench_from_disk(static_root: str, browser: Any) -> None:
    visit(browser, static_root + "/queries/followers-of.html")
    assert len(browser.find_elements("css selector", "main table tbody tr")) >= 2
    rows = len(browser.find_elements("css selector", "main table tbody tr"))
    browser.find_element("css selector", "a.button").click()
    wait(browser, lambda d: d.find_element("id", "workbench-status").text == "Done.")
    assert "followers-of" in browser.execute_script("return window.gdeWorkbench.getTab().getQuery()")
    shown = browser.find_elements("css selector", ".yasr table.dataTable tbody tr")
    assert len(shown) == rows, "the browser's engine gives the rows the site was built with"
    clean(browser)


def pairings_as_of(data: Path, day: str, tmp_path: Path) -> list[dict[str, str]]:
    """``gdegraph query pairings --param as_of=DAY`` on the served data, as rows of plain values."""
    from gdegraph.cli.main import main

    out = tmp_path / f"pairings-{day}.json"
    assert main(["-q", "query", "pairings", "--data", str(data), "--param", f"as_of={day}", "--format", "json",
                 "--out", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    return [{k: v["value"] for k, v in row.items()} for row in result["results"]["bindings"]]


def network_state(driver: Any) -> dict[str, Any]:
    return driver.execute_script("""const cy = window.gdeNetwork, net = document.getElementById('network');
        return {day: document.getElementById('as-of-value').textContent, shown: Number(net.dataset.shown),
                nodes: Number(net.dataset.nodes), hash: window.location.hash,
                edges: cy.edges().filter((e) => e.visible()).map((e) => e.id()).sort(),
                labels: Object.fromEntries(cy.nodes().map((n) => [n.id(), n.data('label')]))};""")


def test_network_names_trusts_as_they_were_when_paired(root: str, browser: Any) -> None:
    """Issue 16 item 1 in the network view: Luton and Dunstable's exemplar role (2017) carries its name then,
    not the Bedfordshire Hospitals it became; selecting it shows what it is now and links to its page."""
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    visit(browser, root + "network.html")
    wait(browser, lambda d: d.find_element("id", "network").get_attribute("data-shown"))
    labels = network_state(browser)["labels"]
    assert labels["id/trust/RC9"] == "Luton and Dunstable University Hospital NHS Foundation Trust"
    assert labels["id/trust/RM3"] == "Salford Royal NHS Foundation Trust"
    assert labels["id/trust/RNN"] == "Cumbria Partnership NHS Foundation Trust"
    today = ("Bedfordshire Hospitals", "Northern Care Alliance", "North Cumbria Integrated Care")
    assert not [v for v in labels.values() if v.startswith(today)], "no node carries a name of after the programmes"
    x, y = browser.execute_script("""const net = document.getElementById('network'), box = net.getBoundingClientRect();
        const p = window.gdeNetwork.getElementById('id/trust/RC9').renderedPosition();
        return [box.left + net.clientLeft + p.x, box.top + net.clientTop + p.y];""")
    click = ActionBuilder(browser)
    click.pointer_action.move_to_location(round(x), round(y)).click()
    click.perform()  # a real click where the node is drawn
    panel = wait(browser, lambda d: d.find_element("id", "network-detail") if "Luton" in d.find_element(
        "id", "network-detail").text else None)
    assert "Now: Bedfordshire Hospitals NHS Foundation Trust" in panel.text
    assert "exemplar for Bedford Hospital NHS Trust" in panel.text
    link = panel.find_element("css selector", "h2 a")
    assert link.text.startswith("Luton and Dunstable") and link.get_attribute("href") == root + "id/trust/RC9.html"
    browser.execute_script("document.getElementById('network').scrollIntoView({block: 'end'})")  # all of it
    shot(browser, prefix(root) + "network.png")
    clean(browser)


def test_network_filters_follow_the_address_alone(root: str, browser: Any) -> None:
    """Regression: a filter group the address does not name was left as the boxes happened to be (unticked by
    hand, or restored by the browser into the server-rendered sector boxes), so the date-slider test saw the
    mental-health pairings missing on one CI run. With no filter in the address every box is at its default."""
    visit(browser, root + "network.html")
    wait(browser, lambda d: d.find_element("id", "network").get_attribute("data-shown"))
    everything = network_state(browser)["shown"]
    sector = browser.find_element("css selector", 'input[name="sector"]')
    sector.click()
    assert not sector.is_selected() and network_state(browser)["shown"] < everything
    browser.execute_script("window.location.hash = '#status=announced'")
    wait(browser, lambda d: not d.find_element("css selector", 'input[name="status"][value="proposed"]').is_selected())
    browser.execute_script("window.location.hash = '#'")
    wait(browser, lambda d: network_state(d)["shown"] == everything)
    assert all(b.is_selected() == (b.get_attribute("value") != "withdrawn")
               for b in browser.find_elements("css selector", '#network-filters input[type="checkbox"]'))
    clean(browser)


def test_network_date_slider_shows_the_network_as_of_each_date(root: str, browser: Any, dataset: Any,
                                                               tmp_path: Path) -> None:
    """The slider steps through the dates a pairing's status changed; at each the network shows exactly the
    pairings `gdegraph query pairings --param as_of=DATE` lists (every status ticked), the date goes into the
    address, and that address opens the same view."""
    from selenium.webdriver.common.keys import Keys

    data, _ = prepare_dist(dataset)
    visit(browser, root + "network.html")
    wait(browser, lambda d: d.find_element("id", "network").get_attribute("data-shown"))
    withdrawn = browser.find_element("css selector", 'input[name="status"][value="withdrawn"]')
    assert not withdrawn.is_selected(), "a withdrawn pairing no longer holds: unticked until asked for"
    latest = network_state(browser)
    withdrawn.click()
    assert network_state(browser)["shown"] == latest["shown"] + 1
    slider = browser.find_element("id", "as-of")
    slider.send_keys(Keys.HOME)
    seen, answers = [], {}
    for step in range(int(slider.get_attribute("max")) + 1):
        if step:
            slider.send_keys(Keys.RIGHT)
        state = network_state(browser)
        rows = answers[state["day"]] = pairings_as_of(data, state["day"], tmp_path)
        assert state["edges"] == sorted(r["pairing"].removeprefix(iris.BASE) for r in rows), state["day"]
        trusts = {r.get(side + "Code") or r[side + "Name"] for r in rows for side in ("exemplar", "follower")}
        assert (state["shown"], state["nodes"]) == (len(rows), len(trusts)), state["day"]
        assert f"as-of={state['day']}" in state["hash"]
        seen.append((state["day"], state["shown"], state["nodes"]))
    assert [d for d, *_ in seen] == sorted(d for d, *_ in seen) and len(seen) >= 3, seen
    assert seen[0][1] < seen[-1][1] and seen[0][2] < seen[-1][2], f"the network grows over time: {seen}"
    first = seen[0][0]
    visit(browser, "about:blank")
    visit(browser, root + "network.html#as-of=" + first + "&status=announced")
    wait(browser, lambda d: d.find_element("id", "network").get_attribute("data-shown"))
    state = network_state(browser)
    assert state["day"] == first, "the shared address opens the network as of its date"
    assert state["shown"] == len([r for r in answers[first] if r["statusName"] == "announced"])
    assert not browser.find_element("css selector", 'input[name="status"][value="proposed"]').is_selected()
    clean(browser)
