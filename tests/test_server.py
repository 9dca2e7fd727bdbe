"""``gdegraph serve`` over real HTTP: dereferencing, content negotiation, SPARQL protocol, dumps, CORS."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from gdegraph.core import mediatypes
from gdegraph.site.build import PAGE_FORMATS
from test_server_support import Server, prepare_dist

RQ6 = "https://w3id.org/gdegraph/id/trust/RQ6"
SD = "http://www.w3.org/ns/sparql-service-description#"
COUNT_TRUSTS = ("PREFIX gde: <https://w3id.org/gdegraph/def#> "
                "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a gde:Trust }")
CONSTRUCT = ("PREFIX gde: <https://w3id.org/gdegraph/def#> "
             "CONSTRUCT { ?p gde:exemplar ?e } WHERE { ?p gde:exemplar ?e }")


@pytest.fixture(scope="module")
def server(dataset) -> Iterator[Server]:
    data, dist = prepare_dist(dataset)
    with Server(data, dist) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, trust_env=False, timeout=30) as c:
        yield c


def parse(body: bytes, media_type: str) -> Graph:
    fmt = mediatypes.by_media_type(media_type)
    assert fmt is not None and fmt.rdflib, media_type
    return Graph().parse(data=body, format=fmt.rdflib)


@pytest.mark.parametrize("fmt", PAGE_FORMATS, ids=lambda f: f.name)
def test_resource_iri_303s_to_the_negotiated_document(client: httpx.Client, fmt: mediatypes.FileFormat) -> None:
    response = client.get("/id/trust/RQ6", headers={"Accept": fmt.media_type})
    assert response.status_code == 303
    assert response.headers["location"] == f"RQ6.{fmt.extension}"
    assert "Accept" in response.headers["vary"]
    document = client.get(f"/id/trust/{response.headers['location']}")
    assert document.status_code == 200
    assert document.headers["content-type"].split(";")[0] == fmt.media_type
    graph = parse(document.content, fmt.media_type)
    assert (URIRef(RQ6), RDF.type, URIRef("https://w3id.org/gdegraph/def#Trust")) in graph


def test_html_is_the_default_and_q_values_are_honoured(client: httpx.Client) -> None:
    cases = {
        "": "RQ6.html",
        "*/*": "RQ6.html",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": "RQ6.html",
        "text/turtle;q=0.5, application/rdf+xml": "RQ6.rdf",
        "application/ld+json;q=0.9, application/n-triples;q=0.95": "RQ6.nt",
        "text/html;q=0, */*;q=0.1": "RQ6.ttl",
        "text/*": "RQ6.html",
        "application/x-turtle": "RQ6.ttl",
    }
    for accept, location in cases.items():
        response = client.get("/id/trust/RQ6", headers={"Accept": accept} if accept else {})
        assert (response.status_code, response.headers["location"]) == (303, location), accept
    page = client.get("/id/trust/RQ6.html")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Royal Liverpool and Broadgreen University Hospitals NHS Trust</h1>" in page.text


def test_406_when_nothing_fits_and_extensions_override_accept(client: httpx.Client) -> None:
    response = client.get("/id/trust/RQ6", headers={"Accept": "application/pdf, text/html;q=0"})
    assert response.status_code == 406 and "Accept" in response.headers["vary"]
    assert "text/turtle" in response.text and 'rel="alternate"' in response.headers["link"]
    forced = client.get("/id/trust/RQ6.ttl", headers={"Accept": "application/ld+json"})
    assert forced.headers["content-type"].startswith("text/turtle")


def test_ontology_dereferences_and_unknown_resources_404(client: httpx.Client) -> None:
    response = client.get("/def", headers={"Accept": "text/turtle"})
    assert (response.status_code, response.headers["location"]) == (303, "def/index.ttl")
    ontology = parse(client.get("/def/index.ttl").content, "text/turtle")
    assert (URIRef("https://w3id.org/gdegraph/def"), RDF.type, OWL.Ontology) in ontology
    assert client.get("/def", headers={"Accept": "text/html"}).headers["location"] == "def/index.html"
    missing = client.get("/id/trust/ZZZ")
    assert missing.status_code == 404 and "Page not found" in missing.text
    assert 'href="../../index.html"' in missing.text, "the 404 page links home relative to where it is served"


def test_sparql_select_in_every_result_format_and_protocol_shape(client: httpx.Client) -> None:
    expected = None
    for method in ("get", "form", "direct"):
        for accept in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                       "text/tab-separated-values"):
            headers = {"Accept": accept}
            if method == "get":
                response = client.get("/sparql", params={"query": COUNT_TRUSTS}, headers=headers)
            elif method == "form":
                response = client.post("/sparql", data={"query": COUNT_TRUSTS}, headers=headers)
            else:
                response = client.post("/sparql", content=COUNT_TRUSTS.encode(),
                                       headers={**headers, "Content-Type": "application/sparql-query"})
            assert response.status_code == 200, (method, accept, response.text)
            assert response.headers["content-type"].split(";")[0] == accept
            if accept.endswith("json"):
                value = response.json()["results"]["bindings"][0]["n"]["value"]
            elif accept.endswith("xml"):
                ns = {"r": "http://www.w3.org/2005/sparql-results#"}
                value = ET.fromstring(response.content).find(".//r:literal", ns).text
            elif accept == "text/csv":
                value = list(csv.reader(io.StringIO(response.text)))[1][0]
            else:
                value = response.text.splitlines()[1].split("^^")[0].strip('"')  # 167 or "167"^^xsd:integer
            expected = expected or value
            assert value == expected and int(value) > 150


@pytest.mark.parametrize("fmt", PAGE_FORMATS, ids=lambda f: f.name)
def test_sparql_construct_and_describe_in_rdf_formats(client: httpx.Client, fmt: mediatypes.FileFormat) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": fmt.media_type})
    assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == fmt.media_type
    assert len(parse(response.content, fmt.media_type)) >= 25
    describe = client.get("/sparql", params={"query": f"DESCRIBE <{RQ6}>"}, headers={"Accept": fmt.media_type})
    assert (URIRef(RQ6), None, None) in parse(describe.content, fmt.media_type)


def test_ask_and_unacceptable_result_format(client: httpx.Client) -> None:
    ask = client.get("/sparql", params={"query": f"ASK {{ <{RQ6}> ?p ?o }}"})
    assert ask.json() == {"head": {}, "boolean": True}
    refused = client.get("/sparql", params={"query": COUNT_TRUSTS}, headers={"Accept": "image/png"})
    assert refused.status_code == 406


def test_sparqlwrapper_is_a_client_of_our_endpoint(server: Server) -> None:
    from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

    endpoint = SPARQLWrapper(server.url + "/sparql")
    endpoint.setQuery(COUNT_TRUSTS)
    endpoint.setReturnFormat(JSON)
    assert int(endpoint.query().convert()["results"]["bindings"][0]["n"]["value"]) > 150
    endpoint.setReturnFormat(XML)
    assert endpoint.query().convert().getElementsByTagName("literal")
    endpoint.setMethod("POST")
    endpoint.setQuery(CONSTRUCT)
    endpoint.setReturnFormat(TURTLE)
    assert len(Graph().parse(data=endpoint.query().convert(), format="turtle")) >= 25
    endpoint.setQuery(f"ASK {{ <{RQ6}> a ?type }}")
    endpoint.setReturnFormat(JSON)
    assert endpoint.query().convert()["boolean"] is True


def test_service_description_query_page_and_void(client: httpx.Client) -> None:
    sd = parse(client.get("/sparql", headers={"Accept": "text/turtle"}).content, "text/turtle")
    service = next(sd.subjects(RDF.type, URIRef(SD + "Service")))
    assert (service, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in sd
    assert len(list(sd.objects(None, URIRef(SD + "namedGraph")))) >= 10
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and '<div id="workbench"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    void = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert void.status_code == 200 and len(parse(void.content, "text/turtle")) > 50
    as_jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert len(parse(as_jsonld.content, "application/ld+json")) == len(parse(void.content, "text/turtle"))


def test_dumps_are_served_with_their_media_types(client: httpx.Client) -> None:
    for fmt in mediatypes.RDF_FORMATS:
        response = client.get(f"/dumps/gdegraph.{fmt.extension}")
        assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == fmt.media_type
    gz = client.get("/dumps/gdegraph.ttl.gz")
    assert gz.headers["content-type"] == "application/gzip" and gz.content[:2] == b"\x1f\x8b"
    assert len(parse(client.get("/dumps/gdegraph.ttl").content, "text/turtle")) > 10_000
    assert client.get("/dumps/nothing.ttl").status_code == 404


def test_cors_on_data_and_preflight(client: httpx.Client) -> None:
    origin = {"Origin": "https://example.org"}
    assert client.get("/id/trust/RQ6.ttl", headers=origin).headers["access-control-allow-origin"] == "*"
    assert client.get("/sparql", params={"query": "ASK {}"}, headers=origin).headers[
        "access-control-allow-origin"] == "*"
    preflight = client.options("/sparql", headers={**origin, "Access-Control-Request-Method": "POST",
                                                   "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]


def test_bad_requests(client: httpx.Client) -> None:
    assert client.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"}).status_code == 415
    two = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert two.status_code == 400
    home = client.get("/")
    assert home.status_code == 200 and 'href="sparql.html"' in home.text
    assert json.loads(client.get("/sparql", params={"query": "SELECT ?x WHERE { BIND(1 AS ?x) }"}).text)


CHROMIUM_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def test_a_query_link_opens_the_workbench_in_a_browser_and_gives_results_to_clients(client: httpx.Client) -> None:
    """`/sparql?query=` used to download a file named `sparql` in Chromium (its Accept lists XML)."""
    query = {"query": "SELECT ?p WHERE { ?p a <https://w3id.org/gdegraph/def#Programme> }"}
    page = client.get("/sparql", params=query, headers={"Accept": CHROMIUM_ACCEPT})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<div id="workbench"' in page.text and "Accept" in page.headers["vary"]
    assert page.content == client.get("/sparql.html").content, "the same page as the static site's sparql.html"
    for accept in ("application/sparql-results+json", "*/*", "application/sparql-results+xml", None,
                   "application/xml"):
        answer = client.get("/sparql", params=query, headers={"Accept": accept} if accept else {})
        assert answer.status_code == 200 and not answer.headers["content-type"].startswith("text/html"), accept
    assert len(client.get("/sparql", params=query).json()["results"]["bindings"]) == 3


def test_each_library_query_has_a_stable_page(client: httpx.Client, server: Server) -> None:
    from pathlib import Path

    for path in sorted(Path("queries").glob("*.rq")):
        page = client.get(f"/queries/{path.stem}")
        assert page.status_code == 200 and page.content == client.get(f"/queries/{path.stem}.html").content
    assert "VALUES (?exemplar" in client.get("/queries/followers-of").text
    assert client.get("/queries/no-such-query").status_code == 404


def test_server_pages_are_the_static_sites_bytes(client: httpx.Client, dataset, tmp_path) -> None:
    """The server and `gdegraph site` render from the same page model: byte-identical files."""
    from gdegraph.site.build import build_site

    data, dist = prepare_dist(dataset)
    build_site(tmp_path / "site", data, dist)
    for path in ("index.html", "id/trust/RQ6.html", "classes/Trust.html", "classes/Trust.csv", "map.html",
                 "network.html", "sparql.html", "queries/pairings.html", "explore/search.js", "explore/map.js",
                 "static/vendor/yasgui.min.js"):
        assert client.get("/" + path).content == (tmp_path / "site" / path).read_bytes(), path
    # The one generated file that differs: the server's workbench has an endpoint, the static site's runs in the page.
    assert client.get("/explore/endpoint.js").text == "window.GDE_ENDPOINT = true;\n"
    assert (tmp_path / "site" / "explore" / "endpoint.js").read_text() == "window.GDE_ENDPOINT = false;\n"
