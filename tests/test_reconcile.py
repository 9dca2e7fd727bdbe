"""``/reconcile`` on a real ``gdegraph serve``: the W3C Reconciliation Service API, checked with its own schemas.

Every request and answer is validated against the JSON Schemas the Entity
Reconciliation Community Group publishes (vendored under
``tests/schemas/reconciliation/``, see its README). The names reconciled are
the ways the seed articles and source texts in /work/shared write trusts --
each is checked to occur verbatim in the file named beside it -- with the
trust the graph's curation says they mean (an ODS code, or a key for a trust
without one). Names that must *not* be matched (a fragment, a city name
shared by five trusts) are in the batch too.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7 as _DRAFT7

from gdegraph.core import paths
from test_server_support import Server, prepare_dist

SCHEMAS = Path(__file__).parent / "schemas" / "reconciliation"

#: (name as written, file it is written in, expected entity id): real variants from the seeds and sources.
VARIANTS = [
    ("Salford Royal Hospitals Trust", "seeds/002_9efb22acbfca38e1.txt", "trust/RM3"),  # renamed Northern Care Alliance
    ("Salford Royal FT", "seeds/001_f45067540e6d42b6.txt", "trust/RM3"),
    ("West Suffolk Hospitals FT", "seeds/001_f45067540e6d42b6.txt", "trust/RGR"),
    ("Royal Free London FT", "seeds/003_84a0364fc7f41d6b.txt", "trust/RAL"),
    ("University Hospitals Southampton FT", "seeds/002_9efb22acbfca38e1.txt", "trust/RHM"),
    ("City Hospitals Sunderland FT", "seeds/003_84a0364fc7f41d6b.txt", "trust/RLN"),
    ("Newcastle upon Tyne Hospitals FT", "seeds/001_f45067540e6d42b6.txt", "trust/RTD"),
    ("Wirral University Teaching Hospital", "seeds/000_d2e5b811a8b6ca33.txt", "trust/RBL"),
    ("North Tees & Hartlepool Hospitals NHS Foundation Trust", "seeds/000_d2e5b811a8b6ca33.txt", "trust/RVW"),
    ("Pennine Acute Hospitals Trust", "seeds/001_f45067540e6d42b6.txt", "trust/RW6"),
    ("The Whittington Hospital", "seeds/000_d2e5b811a8b6ca33.txt", "trust/RKE"),
    ("University Hospitals Bristol FT", "seeds/002_9efb22acbfca38e1.txt", "trust/RA7"),
    ("Oxfordshire Healthcare FT", "seeds/003_84a0364fc7f41d6b.txt", "trust/RNU"),
    ("Wye Valley Trust", "seeds/001_f45067540e6d42b6.txt", "trust/RLQ"),
    ("Taunton and Somerset FT", "seeds/002_9efb22acbfca38e1.txt", "trust/RBA"),
    ("Royal Liverpool and Broadgreen University Hospitals", "sources/dh-2018-01-taunton-loses-fast-follower.txt",
     "trust/RQ6"),
    ("Worcestershire Health and Care NHS Trust", "sources/dh-2017-03-mh-gdes-revealed.txt", "trust/R1A"),
    ("Birmingham and Solihull Mental Health NHS Foundation Trust", "sources/dh-2017-03-mh-gdes-revealed.txt",
     "trust/RXT"),
    ("Blackpool Teaching Hospitals", "sources/dh-2018-01-taunton-loses-fast-follower.txt", "trust/RXL"),
    ("Northumberland, Tyne and Wear NHS Foundation Trust", "sources/dh-2017-03-mh-gdes-revealed.txt", "trust/RX4"),
    ("Sheffield Health and Social Care FT", "seeds/003_84a0364fc7f41d6b.txt", "trust/sheffield-health-and-social-care"),
    ("Luton and Dunstable", "seeds/002_9efb22acbfca38e1.txt", "trust/RC9"),  # a fuzzy, "probable" match
    ("South Central Ambulance Service NHS Foundation Trust", "sources/dh-2018-01-ambulance-gdes-confirmed.txt",
     "trust/RYE"),  # an ambulance exemplar since the sources were curated
]
#: Written in the sources, but no single trust of the graph is meant: never matched.
UNMATCHED = [
    ("Liverpool", "seeds/000_d2e5b811a8b6ca33.txt"),
    ("University Hospitals", "seeds/000_d2e5b811a8b6ca33.txt"),
]


def _validator(version: str, name: str) -> Draft7Validator:
    """A validator for one vendored schema, with its sibling files resolvable by their ``$id``."""
    folder = SCHEMAS / version
    resources = []
    for path in folder.glob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents, default_specification=_DRAFT7)))
    schema = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    return Draft7Validator(schema, registry=Registry().with_resources(resources))


def valid(version: str, name: str, instance: Any) -> Any:
    errors = sorted(_validator(version, name).iter_errors(instance), key=str)
    assert not errors, f"{version}/{name}: " + "; ".join(e.message for e in errors[:3])
    return instance


@contextlib.contextmanager
def _serving(dataset: Any) -> Iterator[httpx.Client]:
    """``gdegraph serve`` on 127.0.0.1 (a subprocess) and a client of it; both stopped after."""
    data, dist = prepare_dist(dataset)
    with Server(data, dist) as running, httpx.Client(base_url=running.url, trust_env=False, timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def http(dataset: Any) -> Iterator[httpx.Client]:
    with _serving(dataset) as client:
        yield client


def _batch() -> dict[str, dict[str, Any]]:
    names = [n for n, _, _ in VARIANTS] + [n for n, _ in UNMATCHED]
    return valid("0.2", "reconciliation-query-batch",
                 {f"q{k}": {"query": n, "type": "Trust", "limit": 3} for k, n in enumerate(names)})


def test_the_variants_are_written_so_in_the_sources() -> None:
    shared = paths.shared_dir()
    for name, where, *_ in [*VARIANTS, *UNMATCHED]:
        assert name in (shared / where).read_text(encoding="utf-8"), (name, where)


def test_manifest_is_valid_and_its_templates_resolve(http: httpx.Client) -> None:
    manifest = valid("0.2", "manifest", http.get("/reconcile").json())
    assert {t["id"] for t in manifest["defaultTypes"]} == {"Trust", "Programme"}
    assert manifest["identifierSpace"] == "https://w3id.org/gdegraph/id/"
    # The spec has clients put the id in as a URI component ("trust%2FRQ6"); both templates must still work.
    page = http.get(manifest["view"]["url"].replace("{{id}}", "trust%2FRQ6"), headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"] == "RQ6.html"
    preview = http.get(manifest["preview"]["url"].replace("{{id}}", "trust%2FRQ6"))
    assert preview.status_code == 200 and "Royal Liverpool and Broadgreen" in preview.text
    for what in ("entity", "type", "property"):
        service = manifest["suggest"][what]
        assert http.get(service["service_url"] + service["service_path"], params={"prefix": "r"}).status_code == 200


def _check(answer: dict[str, Any], batch: dict[str, Any]) -> None:
    valid("0.2", "reconciliation-result-batch", answer)
    assert set(answer) == set(batch)
    for k, (name, _, expected) in enumerate(VARIANTS):
        result = answer[f"q{k}"]["result"]
        assert result and result[0]["id"] == expected and result[0]["match"] is True, (name, result[:1])
        assert [c["score"] for c in result] == sorted((c["score"] for c in result), reverse=True)
        assert sum(c["match"] for c in result) == 1
    for k, (name, _) in enumerate(UNMATCHED, start=len(VARIANTS)):
        assert not any(c["match"] for c in answer[f"q{k}"]["result"]), name


def test_a_batch_of_real_variants_as_openrefine_sends_it(http: httpx.Client) -> None:
    batch = _batch()
    form = http.post("/reconcile", data={"queries": json.dumps(batch)})
    assert form.status_code == 200 and form.headers["content-type"].startswith("application/json")
    _check(form.json(), batch)
    # The same batch as a URL parameter and as a JSON body gives the same answer.
    assert http.get("/reconcile", params={"queries": json.dumps(batch)}).json() == form.json()
    assert http.post("/reconcile", json=batch).json() == form.json()


def test_scores_are_those_of_gdegraph_resolve(http: httpx.Client) -> None:
    from gdegraph.curate.extract.commands import load_gazetteer

    gazetteer = load_gazetteer()
    for name in ("Salford Royal Hospitals Trust", "Luton and Dunstable", "Liverpool", "Taunton and Somerset FT"):
        answer = http.post("/reconcile", data={"queries": json.dumps({"q": {"query": name, "limit": 25,
                                                                                "type": "Trust"}})}).json()
        served = {c["id"]: c["score"] for c in answer["q"]["result"]}
        resolved = {c.iri.removeprefix("https://w3id.org/gdegraph/id/"): round(c.score, 1)
                    for c in gazetteer.resolve(name, limit=36).candidates}
        assert served and all(resolved[key] == score for key, score in served.items()), name


def test_the_draft_json_batch_is_answered_in_the_drafts_shape(http: httpx.Client) -> None:
    names = [n for n, _, _ in VARIANTS]
    batch = valid("1.0-draft", "reconciliation-query-batch",
                  {"queries": [{"type": "Trust", "limit": 3, "conditions": [{"matchType": "name", "v": n}]}
                               for n in names]})
    answer = valid("1.0-draft", "reconciliation-result-batch", http.post("/reconcile", json=batch).json())
    assert [r["candidates"][0]["id"] for r in answer["results"]] == [e for _, _, e in VARIANTS]
    assert all(r["candidates"][0]["match"] for r in answer["results"])


def _one(http: httpx.Client, **query: Any) -> list[dict[str, Any]]:
    batch = valid("0.2", "reconciliation-query-batch", {"q": query})
    response = http.post("/reconcile", data={"queries": json.dumps(batch)})
    assert response.status_code == 200, response.text
    return valid("0.2", "reconciliation-result-batch", response.json())["q"]["result"]


def test_properties_codes_and_types(http: httpx.Client) -> None:
    # "Liverpool" is five trusts; the ODS code column decides, a contradicting region costs the match.
    decided = _one(http, query="Liverpool", properties=[{"pid": "odsCode", "v": "rem"}])
    assert decided[0]["id"] == "trust/REM" and decided[0]["match"] is True
    assert {"id": "odsCode", "value": True} in decided[0]["features"]
    wrong_region = _one(http, query="Wye Valley Trust", properties=[{"pid": "region", "v": "Y62"}])
    right_region = _one(http, query="Wye Valley Trust", properties=[{"pid": "region", "v": "Y60"}])
    assert right_region[0]["id"] == "trust/RLQ" and right_region[0]["match"] is True
    assert wrong_region[0]["match"] is False and wrong_region[0]["score"] < right_region[0]["score"]
    # An ODS code, an id or an IRI as the query, or the code alone as a property, finds the trust.
    for query in ("RQ6", "rq6", "trust/RQ6", "https://w3id.org/gdegraph/id/trust/RQ6"):
        assert _one(http, query=query)[0] == {**_one(http, query="RQ6")[0]}
        assert _one(http, query=query)[0]["id"] == "trust/RQ6"
    assert _one(http, properties=[{"pid": "odsCode", "v": "RLQ"}])[0]["id"] == "trust/RLQ"
    # The date of the name: Luton and Dunstable's trust had that name until its 2020 merger.
    dated = _one(http, query="Luton and Dunstable", properties=[{"pid": "date", "v": "2017-09"}])
    assert dated[0]["id"] == "trust/RC9"
    # Programmes, and no type at all: both kinds compete.
    assert _one(http, query="GDE programme", type="Programme")[0]["id"] == "programme/global-digital-exemplar"
    aspirants = _one(http, query="Digital Aspirants", type=["Programme"])
    assert aspirants[0]["id"] == "programme/digital-aspirant" and aspirants[0]["match"] is True
    mixed = _one(http, query="Wye Valley Trust", limit=25)
    assert mixed[0]["id"] == "trust/RLQ" and any(c["type"][0]["id"] == "Programme" for c in mixed)


def test_suggest_services_follow_their_schemas(http: httpx.Client) -> None:
    entities = valid("0.2", "suggest-entities-response",
                     http.get("/reconcile/suggest/entity", params={"prefix": "wye"}).json())
    assert entities["result"][0]["id"] == "trust/RLQ" and entities["result"][0]["notable"][0]["id"] == "Trust"
    assert http.get("/reconcile/suggest/entity", params={"prefix": "RQ6"}).json()["result"][0]["id"] == "trust/RQ6"
    page = http.get("/reconcile/suggest/entity", params={"prefix": "liverpool", "cursor": "1", "limit": "2"}).json()
    everything = http.get("/reconcile/suggest/entity", params={"prefix": "liverpool"}).json()
    assert page["result"] == everything["result"][1:3]
    types = valid("0.2", "suggest-types-response", http.get("/reconcile/suggest/type", params={"prefix": "pro"}).json())
    assert [t["id"] for t in types["result"]] == ["Programme"]
    props = valid("0.2", "suggest-properties-response",
                  http.get("/reconcile/suggest/property", params={"prefix": "ods"}).json())
    assert [p["id"] for p in props["result"]] == ["odsCode"]
    assert http.get("/reconcile/suggest/entity", params={"prefix": "x", "cursor": "-1"}).status_code == 400
    assert http.get("/reconcile/suggest/entity", params={"prefix": "x", "type": "Pub"}).status_code == 400


def test_preview_is_a_frameable_escaped_card(http: httpx.Client) -> None:
    card = http.get("/reconcile/preview", params={"id": "trust/RQ6"})
    assert card.status_code == 200 and card.headers["content-type"].startswith("text/html")
    assert "RQ6" in card.text and "Y62" in card.text and "https://w3id.org/gdegraph/id/trust/RQ6" in card.text
    policy = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors *"
    assert card.headers.get_list("content-security-policy") == [policy]
    assert "<script" not in card.text
    missing = http.get("/reconcile/preview", params={"id": "<script>alert(1)</script>"})
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/plain")
    # The site's own pages keep their strict policy.
    assert "frame-ancestors 'none'" in http.get("/index.html").headers["content-security-policy"]


def test_bounded_and_read_only(http: httpx.Client) -> None:
    too_many = {f"q{k}": {"query": "Wye Valley"} for k in range(51)}
    assert http.post("/reconcile", data={"queries": json.dumps(too_many)}).status_code == 413
    assert http.post("/reconcile", content=b"{" + b" " * 300_000 + b"}",
                       headers={"Content-Type": "application/json"}).status_code == 413
    for bad in ('{"q": {"query": "' + "x" * 600 + '"}}', '{"q": {"query": "Wye", "type": "Pub"}}',
                '{"q": {"query": "Wye", "properties": [{"pid": "colour", "v": "red"}]}}',
                '{"q": {"query": "Wye", "properties": [{"pid": "date", "v": "last week"}]}}',
                '{"q": {}}', '{"q": "Wye"}', "[1, 2]", "{not json", '{"q": {"query": "Wye", "limit": 0}}'):
        response = http.post("/reconcile", data={"queries": bad})
        assert response.status_code == 400 and response.text.strip() and "Traceback" not in response.text, bad
    assert http.post("/reconcile", data={"other": "x"}).status_code == 400
    for method in ("PUT", "DELETE", "PATCH"):
        assert http.request(method, "/reconcile").status_code == 405
    cors = http.get("/reconcile", headers={"Origin": "https://openrefine.example"})
    assert cors.headers["access-control-allow-origin"] == "*"


def test_without_shared_reference_data_the_shipped_copy_serves_names(dataset: Any, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A server whose shared folder has no reference data resolves trust names from the copy of the
    ODS files shipped in the package (gdegraph/_resources/refdata), and serves ids, codes and suggestions."""
    monkeypatch.setenv("GDEGRAPH_SHARED", str(tmp_path))
    with _serving(dataset) as c:
        named = c.post("/reconcile", data={"queries": json.dumps({"q": {"query": "Wye Valley Trust"}})})
        assert named.status_code == 200 and named.json()["q"]["result"][0]["id"] == "trust/RLQ"
        by_code = c.post("/reconcile", data={"queries": json.dumps({"q": {"query": "RLQ"}})})
        assert by_code.status_code == 200 and by_code.json()["q"]["result"][0]["id"] == "trust/RLQ"
        assert c.get("/reconcile/suggest/entity", params={"prefix": "wye"}).json()["result"][0]["id"] == "trust/RLQ"
