"""The static site: every page and file exists, links resolve, HTML is well formed and accessible."""

from __future__ import annotations

import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from rdflib import Graph, URIRef

from gdegraph.core import mediatypes
from gdegraph.site.build import PAGE_FORMATS, build_site
from test_server_support import prepare_dist

RQ6 = "https://w3id.org/gdegraph/id/trust/RQ6"


class PageParser(HTMLParser):
    """Collects what the checks need: lang, headings, ids, links, images, JSON-LD blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.headings: list[int] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.jsonld: list[str] = []
        self.title = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if a.get("id"):
            self.ids.append(a["id"] or "")
        self.links += [value for key, value in attrs if key in ("href", "src") and value]
        if tag == "img":
            self.images.append(a)
        if tag == "script" and a.get("type") == "application/ld+json":
            self._in = "jsonld"
            self.jsonld.append("")
        if tag == "title":
            self._in = "title"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "title"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "jsonld":
            self.jsonld[-1] += data
        elif self._in == "title":
            self.title += data


@pytest.fixture(scope="module")
def site_dir(dataset, tmp_path_factory) -> Path:
    data, dist = prepare_dist(dataset)
    out = tmp_path_factory.mktemp("site") / "site"
    result = build_site(out, data, dist)
    assert result.pages > 1000
    return out


@pytest.fixture(scope="module")
def pages(site_dir: Path) -> dict[str, PageParser]:
    parsed = {}
    for path in sorted(site_dir.rglob("*.html")):
        parser = PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        parsed[path.relative_to(site_dir).as_posix()] = parser
    return parsed


def test_every_resource_has_a_page_and_rdf_in_each_format(site_dir: Path, graph: Graph) -> None:
    subjects = {str(s) for s in graph.subjects() if str(s).startswith("https://w3id.org/gdegraph/id/")}
    for iri in subjects:
        stem = site_dir / iri.removeprefix("https://w3id.org/gdegraph/")
        for ext in ["html", *(f.extension for f in PAGE_FORMATS)]:
            assert Path(f"{stem}.{ext}").is_file(), f"{stem}.{ext}"
    for name in ("index.html", "404.html", "def/index.html", "def/Trust.html", "classes/Trust.html",
                 "classes/Pairing.html", "static/site.css", "dumps/gdegraph.ttl", "dumps/void.ttl",
                 "network/pairing-network.png"):
        assert (site_dir / name).is_file(), name
    assert {f.extension for f in PAGE_FORMATS} == {"ttl", "jsonld", "nt", "rdf"}


def test_pages_are_accessible_html(pages: dict[str, PageParser]) -> None:
    for path, page in pages.items():
        assert page.lang == "en", path
        assert page.title.strip(), path
        assert page.headings.count(1) == 1, f"{path}: one h1"
        for before, after in zip(page.headings, page.headings[1:]):
            assert after <= before + 1, f"{path}: heading level jumps from h{before} to h{after}"
        assert len(page.ids) == len(set(page.ids)), f"{path}: duplicate ids"
        for img in page.images:
            assert (img.get("alt") or "").strip(), f"{path}: image without alt text"


def test_html_parses_strictly_as_html5(site_dir: Path) -> None:
    import html5rdf

    parser = html5rdf.HTMLParser(strict=True)
    for name in ("index.html", "404.html", "def/index.html", "id/trust/RQ6.html", "classes/Trust.html",
                 "id/pairing/rq6-rvw.html", "id/source/seed-000.html", "def/Trust.html"):
        parser.parse((site_dir / name).read_bytes())


def test_every_relative_link_resolves_including_fragments(site_dir: Path, pages: dict[str, PageParser]) -> None:
    files = {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file()}
    ids = {path: set(page.ids) for path, page in pages.items()}
    checked = 0
    for path, page in pages.items():
        for link in set(page.links):
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                continue
            assert not parts.scheme and not link.startswith("/"), f"{path}: {link} is not relative"
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path))) \
                if parts.path else path
            assert target in files, f"{path}: broken link {link}"
            if parts.fragment:
                assert parts.fragment in ids[target], f"{path}: {link} names a missing anchor"
            checked += 1
    assert checked > 20_000


def test_trust_page_shows_labels_sources_incoming_links_and_schema_org(site_dir: Path,
                                                                        pages: dict[str, PageParser]) -> None:
    html = (site_dir / "id/trust/RQ6.html").read_text(encoding="utf-8")
    assert "<h1>Royal Liverpool and Broadgreen University Hospitals NHS Trust</h1>" in html
    assert ">ODS code<" in html and ">NHS region<" in html
    assert "Links to this resource" in html and "Pairing of Royal Liverpool" in html
    assert 'href="../../id/source/seed-000.html"' in html
    for fmt in PAGE_FORMATS:
        assert f'href="RQ6.{fmt.extension}" type="{fmt.media_type}"' in html
    (block,) = pages["id/trust/RQ6.html"].jsonld
    doc = json.loads(block)
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "MedicalOrganization"
    assert doc["@id"] == RQ6 and doc["identifier"]["value"] == "RQ6"
    assert doc["name"] == "Royal Liverpool and Broadgreen University Hospitals NHS Trust"
    assert "latitude" in doc["geo"] and doc["address"]["postalCode"] == "L7 8XP"
    assert not pages["id/pairing/rq6-rvw.html"].jsonld, "schema.org JSON-LD is for trust pages"


def test_pairing_page_uses_human_labels(site_dir: Path) -> None:
    html = (site_dir / "id/pairing/rq6-rvw.html").read_text(encoding="utf-8")
    assert ">derived from<" in html and ">fast follower<" in html and ">exemplar<" in html
    assert "prov:wasDerivedFrom" not in html


def test_per_resource_rdf_parses_and_agrees_across_formats(site_dir: Path, graph: Graph) -> None:
    from rdflib.compare import isomorphic

    graphs = {}
    for fmt in PAGE_FORMATS:
        g = Graph()
        g.parse(data=(site_dir / f"id/trust/RQ6.{fmt.extension}").read_bytes(), format=fmt.rdflib)
        graphs[fmt.name] = g
    reference = graphs.pop("ntriples")
    assert all(isomorphic(reference, g) for g in graphs.values())
    expected = set(graph.triples((URIRef(RQ6), None, None))) | set(graph.triples((None, None, URIRef(RQ6))))
    assert set(reference) == expected


def test_ontology_documentation_and_class_index(site_dir: Path) -> None:
    html = (site_dir / "def/index.html").read_text(encoding="utf-8")
    assert 'id="Trust"' in html and 'id="exemplar"' in html and "<h2 id=\"classes\">Classes</h2>" in html
    ontology = Graph().parse(data=(site_dir / "def/index.ttl").read_bytes(), format="turtle")
    assert (URIRef("https://w3id.org/gdegraph/def"), None, None) in ontology
    index = (site_dir / "classes/Trust.html").read_text(encoding="utf-8")
    assert index.count("<td data-sort=\"") and index.count("<a href=\"../id/trust/") >= 150
    plain = (site_dir / "classes/Region.html").read_text(encoding="utf-8")
    assert plain.count("<li><a href=\"../id/region/") >= 7


def test_faceted_tables_and_their_csv(site_dir: Path, graph: Graph) -> None:
    """Every trust is a row with facet values; the CSV has the same rows, with IRIs beside the names."""
    import csv
    import io

    trusts = set(graph.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                URIRef("https://w3id.org/gdegraph/def#Trust")))
    html = (site_dir / "classes/Trust.html").read_text(encoding="utf-8")
    facets = [json.loads(m.replace("&#34;", '"').replace("&quot;", '"'))
              for m in re.findall(r'<tr data-facets="([^"]*)"', html)]
    assert len(facets) == len(trusts)
    assert all(set(f) == {"programme", "role", "sector", "status", "region", "year"} for f in facets)
    assert any("Global Digital Exemplar programme" in f["programme"] for f in facets)
    rows = list(csv.DictReader(io.StringIO((site_dir / "classes/Trust.csv").read_text(encoding="utf-8"))))
    assert {URIRef(r["Trust IRI"]) for r in rows} == trusts
    rq6 = next(r for r in rows if r["ODS code"] == "RQ6")
    assert rq6["Trust"].startswith("Royal Liverpool") and "exemplar" in rq6["Roles"].lower()
    unnamed = next(r for r in rows if r["ODS code"] == "RC4")
    assert unnamed["Trust"] == "code RC4 (no name in the reference files)"
    for name in ("Pairing", "ProgrammeMembership", "FundingAward"):
        assert (site_dir / f"classes/{name}.csv").read_text(encoding="utf-8").count("\n") > 5, name


def test_regions_read_as_their_names(site_dir: Path) -> None:
    """Facets, tables and trust pages name the region (nhs-england-regions-2020.csv), not its code."""
    table = (site_dir / "classes/Trust.html").read_text(encoding="utf-8")
    assert 'name="region" value="North West"' in table and "NHS England region Y" not in table
    page = (site_dir / "id/trust/RQ6.html").read_text(encoding="utf-8")
    assert 'href="../../id/region/y62.html" title="https://w3id.org/gdegraph/id/region/y62">North West</a>' in page


def test_trust_page_summary_sources_and_no_repeats(site_dir: Path) -> None:
    html = (site_dir / "id/trust/RQ6.html").read_text(encoding="utf-8")
    summary = re.search(r'<p class="summary">(.*?)</p>', html, re.S).group(1)
    assert 'href="../../id/membership/gde-acute-exemplars-first-12-rq6.html"' in summary
    assert "exemplar paired with" in summary and 'href="../../id/pairing/rq6-rep.html"' in summary
    assert "succeeded by" in summary and 'href="../../id/change/rq6-to-rem-2019-10-01.html"' in summary
    properties = html[html.index('id="properties"'):html.index('id="incoming"')]
    # the name is stated as prefLabel, rdfs:label and altLabel: the page shows it once as a name
    assert properties.count(">Royal Liverpool and Broadgreen University Hospitals NHS Trust<") == 1
    assert ">RLBUH<" in properties, "a different alternative name stays"
    incoming = html[html.index('id="incoming"'):html.index('id="sources"')]
    assert incoming.count("two-exemplars-with-two-followers.html") == 1, "one row per linking claim"
    sources = html[html.index('id="sources"'):]
    assert "Article naming the 18 acute fast followers" in sources and "2017-09" in sources
    assert "<blockquote>Royal Liverpool and Broadgreen University Hospitals Trust</blockquote>" in sources
    assert 'id="minimap" data-lat="53.409506"' in html


def test_unnamed_predecessor_is_described(site_dir: Path) -> None:
    html = (site_dir / "id/trust/RWH.html").read_text(encoding="utf-8")
    assert "closed before 2016, code RC4" in html


def test_query_gallery_pages_show_text_and_results(site_dir: Path) -> None:
    html = (site_dir / "queries/followers-of.html").read_text(encoding="utf-8")
    assert "VALUES (?exemplar" in html, "the example value is bound, as gdegraph query binds it"
    assert html.count("<tr><td>") >= 2 and 'href="../id/trust/REP.html"' in html
    workbench = (site_dir / "sparql.html").read_text(encoding="utf-8")
    assert workbench.count('class="gallery-item"') == len(list(Path("queries").glob("*.rq")))


def test_static_workbench_gets_every_quad_the_site_was_made_from(site_dir: Path, dataset) -> None:
    """explore/quads.js holds the site's graph for the in-browser engine: gzipped N-Quads in base64."""
    import base64
    import gzip

    import pyoxigraph

    head, tail = 'window.GDE_QUADS = "', '";\n'
    script = (site_dir / "explore" / "quads.js").read_text(encoding="ascii")
    assert script.startswith(head) and script.endswith(tail)
    shipped = gzip.decompress(base64.b64decode(script[len(head):-len(tail)]))
    data, _ = prepare_dist(dataset)
    ours, theirs = pyoxigraph.Store(), pyoxigraph.Store()
    ours.load(shipped, format=pyoxigraph.RdfFormat.N_QUADS)
    theirs.load(path=str(data), format=pyoxigraph.RdfFormat.N_QUADS)
    assert len(ours) == len(theirs) > 10_000
    assert set(ours.quads_for_pattern(pyoxigraph.NamedNode(RQ6), None, None)) == \
        set(theirs.quads_for_pattern(pyoxigraph.NamedNode(RQ6), None, None))


def test_home_page_summary_picture_and_downloads(site_dir: Path, pages: dict[str, PageParser]) -> None:
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    assert 'src="network/pairing-network.png"' in html
    assert pages["index.html"].images[0]["alt"].startswith("Network diagram")
    for fmt in mediatypes.RDF_FORMATS:
        assert f'href="dumps/gdegraph.{fmt.extension}"' in html
    assert 'id="graph-seed-000"' in html and "NHS trust" in html


def test_value_filters_render_exactly_as_the_reference_macros() -> None:
    """Pages use Python filters for the commonest fragments (gdegraph.site.markup); templates/markup.html
    is their reference."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from gdegraph.site.build import PACKAGE
    from gdegraph.site.markup import (Row, Value, alternate_links_html, format_list_html, graph_links_html,
                                      incoming_rows_html, property_rows_html, value_html, value_list_html)

    env = Environment(loader=FileSystemLoader(PACKAGE / "templates"), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    macros = env.get_template("markup.html").module
    odd = "a <b> & \"c\" 'd' é"
    values = [Value("text"), Value(odd), Value(odd, note=odd), Value("x", lang="en-GB"), Value("x", lang=odd, note="n"),
              Value("t", "page.html"), Value(odd, odd, title=odd), Value("t", "https://x.org/a?b=1&c=2", external=True),
              Value("t", "u", external=True, title="T", note="year"), Value("", "", title="", note="")]
    for v in values:
        assert str(value_html(v)) == str(macros.value(v)), v
    for gs in ([], values[:1], values[5:8], [Value("g", None, title=None)]):  # type: ignore[arg-type]
        assert str(graph_links_html(gs)) == str(macros.graph_links(gs)), gs
        for separator in (", ", "; ", odd):
            assert str(value_list_html(gs, separator)) == str(macros.value_list(gs, separator)), gs
    badges = [None, Value(odd, odd, title=odd), Value("rule", None, title="what it does")]
    rows = [Row(odd, None, [(values[1], [], None)]), Row("label", "p.html", [(v, values[5:8], badges[i % 3])
                                                                           for i, v in enumerate(values)]),
            Row("", "", [(values[0], [values[9]], badges[1])])]
    for some in ([], rows[:1], rows):
        assert str(property_rows_html(some)) == str(macros.property_rows(some)), some
    incoming = [(values[1], [values[5], values[6]], values[5:8]), (values[9], [], []), (values[0], [values[2]], [])]
    for some in ([], incoming[:1], incoming):
        assert str(incoming_rows_html(some)) == str(macros.incoming_rows(some)), some
    formats = [("Turtle", "text/turtle", "RQ6.ttl"), (odd, odd, odd)]
    for some in ([], formats[:1], formats):
        assert str(alternate_links_html(some)) == str(macros.alternate_links(some)), some
        assert str(format_list_html(some)) == str(macros.format_list(some)), some


def test_per_resource_rdf_is_each_syntax_written_on_its_own(dataset) -> None:
    """The site prepares a resource's triples once for its four files; each file is what that syntax alone gives."""
    from gdegraph.site.build import Site, serialise_triples
    from gdegraph.site.model import Model

    data, _ = prepare_dist(dataset)
    model = Model.load(data)
    site = Site(model)
    for path in ("id/trust/RQ6", "id/pairing/rq6-rvw", "def/Trust", "def/index"):
        iri = model.by_path[path]
        for fmt in PAGE_FORMATS:
            body, media = site.render(f"{path}.{fmt.extension}")
            assert body == serialise_triples(model.describe(iri), fmt), (path, fmt.name)
            assert media.startswith(fmt.media_type)


def test_home_page_without_pictures_or_dumps(dataset, tmp_path: Path) -> None:
    from gdegraph.site.build import Site
    from gdegraph.site.model import Model

    data, _ = prepare_dist(dataset)
    site = Site(Model.load(data), dumps_dir=tmp_path / "missing", network_dir=None)
    html = site.render("index.html")[0].decode("utf-8")
    assert "<img" not in html and "gdegraph publish --out dist" in html
    assert not [p for p in site.paths() if p.startswith(("dumps/", "network/"))]


def test_cli_site_replaces_the_folder_atomically(dataset, tmp_path: Path) -> None:
    from gdegraph.cli.main import main

    data, dist = prepare_dist(dataset)
    out = tmp_path / "site"
    out.mkdir()
    (out / "stale.html").write_text("old")
    assert main(["site", "--out", str(out), "--data", str(data), "--dist", str(dist)]) == 0
    assert (out / "index.html").is_file() and not (out / "stale.html").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_worker_count_writes_the_same_site_and_a_rebuild_links_what_is_unchanged(
        site_dir: Path, dataset, tmp_path: Path) -> None:
    """One process or several (forked) write byte-identical trees; rebuilding over a site keeps the
    unchanged files' inodes (linked, not rewritten) and rewrites a file that was changed in between."""
    data, dist = prepare_dist(dataset)
    one, three = tmp_path / "one", tmp_path / "three"
    build_site(one, data, dist, workers=1)
    build_site(three, data, dist, workers=3)
    assert _tree(one) == _tree(three) == _tree(site_dir)
    before = {p: p.stat().st_ino for p in one.rglob("*.html")}
    tampered = one / "index.html"
    tampered.write_bytes(b"edited by hand")
    build_site(one, data, dist, workers=2)
    assert _tree(one) == _tree(three)
    kept = [p for p, inode in before.items() if p.stat().st_ino == inode]
    assert tampered not in kept and len(kept) == len(before) - 1


def test_network_and_map_data_name_trusts_as_of_their_role_and_date_every_status(site_dir: Path) -> None:
    """explore/network.js (issue 16 item 1, issue 18 item 4): each trust is named as when paired, with what it is
    now beside it, and each pairing carries its status as of every date of the slider (none before it was made);
    explore/map.js names the map's points the same way."""
    head = "window.GDE_NETWORK = "
    script = (site_dir / "explore" / "network.js").read_text(encoding="utf-8")
    data = json.loads(script[len(head):].rstrip().removesuffix(";"))
    nodes = {n["id"]: n for n in data["nodes"]}
    rc9 = nodes["id/trust/RC9"]
    assert rc9["name"] == "Luton and Dunstable University Hospital NHS Foundation Trust"
    assert rc9["now"] == "Bedfordshire Hospitals NHS Foundation Trust"
    assert nodes["id/trust/RW6"]["now"].startswith("closed 2021-09-30; now part of")
    assert data["dates"] == sorted(data["dates"]) and len(data["dates"]) >= 3
    edges = {e["id"]: e for e in data["edges"]}
    assert edges["id/pairing/rba-rxl"]["asOf"] == {d: s for d, s in zip(data["dates"], ["announced", "withdrawn",
                                                                                       "withdrawn"])}
    assert data["dates"][0] not in edges["id/pairing/rwx-rw5"]["asOf"], "not yet proposed at the first date"
    assert {s: v["checked"] for s, v in data["statuses"].items()} == {
        "announced": True, "confirmed": True, "proposed": True, "disputed": True, "withdrawn": False}
    head = "window.GDE_MAP = "
    script = (site_dir / "explore" / "map.js").read_text(encoding="utf-8")
    points = {p["code"]: p for p in json.loads(script[len(head):].rstrip().removesuffix(";"))["points"]}
    assert (points["RC9"]["name"], points["RC9"]["now"]) == (rc9["name"], rc9["now"]), "the map names it so too"
    assert points["RM3"]["name"] == "Salford Royal NHS Foundation Trust"

def _section(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end)]


def test_a_pairing_is_shown_with_its_status_now_and_its_sources(site_dir: Path) -> None:
    """Issue 16, item 7: the Taunton and Somerset - Blackpool pairing (announced September 2017, seeds 000
    and 001; "Blackpool Teaching Hospitals has been dropped as a proposed fast follower", January 2018)
    reads as withdrawn since 2018-01 with the article that says so, its page lists both steps, and the
    trust page never names it bare. Regression: the page said "withdrawn 2017-09" (the status with
    the earliest source's date) and the trust page's links listed the pairing alone."""
    html = (site_dir / "id/pairing/rba-rxl.html").read_text(encoding="utf-8")
    status = re.search(r'<p class="status">(.*?)</p>', html, re.S).group(1)
    assert ">withdrawn</a></strong> since 2018-01, according to " in status
    assert ">Taunton and Somerset NHS Foundation Trust has lost fast follower, Digital Health News, 2018-01</a>" \
        in status
    assert "withdrawn 2018-01" in re.search(r'<p class="summary">(.*?)</p>', html, re.S).group(1)
    history = _section(html, 'id="history"', 'id="incoming"')
    assert history.index("<td>2017-09</td>") < history.index("<td>2018-01</td>")
    assert "HSJ, 2017-09" in history and "has been dropped as a proposed fast follower" in history
    trust = (site_dir / "id/trust/RBA.html").read_text(encoding="utf-8")
    assert "Blackpool Teaching Hospitals NHS Foundation Trust (withdrawn 2018-01)" in trust  # the summary
    incoming = _section(trust, 'id="incoming"', 'id="sources"')
    assert re.search(r'rba-rxl.html" title="[^"]+">Pairing of Taunton and Somerset NHS Foundation Trust with '
                     r'Blackpool Teaching Hospitals NHS Foundation Trust</a> <small class="note">\(withdrawn 2018-01\)',
                     incoming)
    disputed = (site_dir / "id/pairing/rv5-rwk.html").read_text(encoding="utf-8")
    assert re.search(r'<p class="status">Status: <strong><a [^>]+>disputed</a></strong> since 2018-01-19, according '
                     r'to <a [^>]+>Report on the six proposed mental-health fast followers[^<]*, HSJ, modified '
                     r'2018-01-19</a>', disputed)


def test_stated_in_names_the_article_not_the_graph(site_dir: Path) -> None:
    """Issue 16: the "Stated in" columns of a trust page give each source's title, publisher and date."""
    html = (site_dir / "id/trust/RQ6.html").read_text(encoding="utf-8")
    cited = ('<a class="graph" href="../../id/source/seed-000.html" title="named graph seed-000">Article naming the '
             '18 acute fast followers at the NHS Innovation Expo 2017, Digital Health News, 2017-09</a>')
    for section in (_section(html, 'id="properties"', 'id="incoming"'), _section(html, 'id="incoming"',
                                                                              'id="sources"')):
        assert cited in section and ">seed-000<" not in section and ">seed-001<" not in section
    # graphs that are no source's keep their name, linked to what they hold
    assert '<a class="graph" href="../../index.html#graph-refdata"' in html


def test_inferred_values_and_statements_are_marked_with_their_rule(site_dir: Path) -> None:
    """Issue 16, item 5: what the build derives carries an "inferred" badge naming the rule (linked to its
    page) and what it rests on: a pairing's wave (from its tier), an award's funder (the programme's
    operator; seed 003 names no funder for the mental-health followers' £3m), an implicit first status
    step, a tier's status (from its members)."""
    pairing = (site_dir / "id/pairing/rba-rxl.html").read_text(encoding="utf-8")
    wave = re.search(r'>Fast followers \(second wave of the GDE programme\)</a>(.*?)</td>', pairing, re.S).group(1)
    assert '<a class="badge" href="../../id/rule/wave-from-tier.html"' in wave and "from Acute fast followers" in wave
    assert re.search(r'<p class="inferred">.*?in wave.*?Wave from the tier</a>, from <a [^>]*>Acute fast '
                     r'followers</a>', pairing, re.S)
    assert pairing.count('class="badge"') == 2  # the wave only: the pairing itself is stated
    award = (site_dir / "id/award/mental-health-fast-followers-up-to-3m-each.html").read_text(encoding="utf-8")
    assert 'href="../../id/rule/funder-from-programme-operator.html"' in award and "“funder”" in award
    step = (site_dir / "id/status-change/pairing-ryj-rqm-1.html").read_text(encoding="utf-8")
    assert re.search(r'<p class="inferred">.*?derived by the build.*?implicit-status-step.html', step, re.S)
    tier = (site_dir / "id/status-change/tier-gde-mental-health-fast-followers-1.html").read_text(encoding="utf-8")
    assert "tier-status-from-members.html" in tier and tier.count("../../id/membership/gde-mental-health-fast-followers-") >= 6
    stated = (site_dir / "id/pairing/rq6-rvw.html").read_text(encoding="utf-8")
    assert '<p class="inferred">' in stated  # its wave too, from the table it is listed in
    claim = (site_dir / "id/trust/RQ6.html").read_text(encoding="utf-8")
    assert 'class="badge"' not in claim  # a trust page states nothing inferred of its own


def test_pairing_pages_name_trusts_as_they_were(site_dir: Path) -> None:
    """Issue 16, item 1, on pages: Bedford Hospital's exemplar in 2017 was Luton and Dunstable, not
    Bedfordshire Hospitals (which took its code in 2020)."""
    html = (site_dir / "id/pairing/rc9-rc1.html").read_text(encoding="utf-8")
    assert ("<h1>Pairing of Luton and Dunstable University Hospital NHS Foundation Trust with Bedford Hospital NHS "
            "Trust</h1>") in html
