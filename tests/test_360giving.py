"""The funding awards as 360Giving data: valid against the local schemas, honest about what is unknown."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from typing import Any

import pytest
from rdflib import Dataset, Literal, URIRef

from gdegraph.publish import giving360

AWARD = "https://w3id.org/gdegraph/id/award/"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def package(dataset: Dataset) -> dict[str, Any]:
    return giving360.grants_package(dataset, release=Literal("2025-06-01", datatype=URIRef(XSD + "date")),
                                    download_base="https://w3id.org/gdegraph/dumps/")


@pytest.fixture(scope="module")
def files(dataset: Dataset) -> dict[str, bytes]:
    return giving360.package_files(dataset, release=Literal("2025", datatype=URIRef(XSD + "gYear")))


def _by_award(package: dict[str, Any], slug: str) -> list[dict[str, Any]]:
    return [g for g in package["grants"] if g["dataSource"] == AWARD + slug]


def test_package_is_valid_against_the_local_schemas(package: dict[str, Any]) -> None:
    """Every $ref resolves to the copies in ../shared/standards/360giving (the registry has no retriever)."""
    assert giving360.validate_package(package) == []


@pytest.mark.parametrize("breakage, expected", [
    (lambda g: g.pop("amountAwarded"), "amountAwarded"),
    (lambda g: g.update(awardDate="2017-09"), "awardDate"),
    (lambda g: g.update(currency="££"), "currency"),
    (lambda g: g["recipientOrganization"][0].pop("id"), "id"),
    (lambda g: g.update(url="not a uri"), "url"),
])
def test_schema_check_catches_broken_grants(package: dict[str, Any], breakage: Any, expected: str) -> None:
    broken = copy.deepcopy(package)
    breakage(broken["grants"][0])
    errors = giving360.validate_package(broken)
    assert errors and any(expected in e for e in errors)


def test_published_files_are_the_valid_package(files: dict[str, bytes]) -> None:
    published = json.loads(files[giving360.PACKAGE_FILE])
    assert giving360.validate_package(published) == []
    assert "issued" not in published  # a release known only to the year is not a YYYY-MM-DD date


def test_one_grant_per_award_per_member_trust(package: dict[str, Any]) -> None:
    counts = {slug: len(_by_award(package, slug)) for slug in (
        "acute-fast-followers-5m-central-each", "gde-first-12-up-to-10m-each",
        "digital-aspirants-wave-2-up-to-6m-each", "digital-aspirants-wave-2-seed-250k-each",
        "mental-health-fast-followers-up-to-3m-each", "mental-health-fast-followers-3m-each",
        "rotherham-area-12m", "gde-mental-health-exemplars-5m-each")}
    # 18 acute fast followers less Blackpool, withdrawn before funding (January 2018)
    assert counts == {"acute-fast-followers-5m-central-each": 17, "gde-first-12-up-to-10m-each": 12,
                      "digital-aspirants-wave-2-up-to-6m-each": 7, "digital-aspirants-wave-2-seed-250k-each": 25,
                      "mental-health-fast-followers-up-to-3m-each": 6, "mental-health-fast-followers-3m-each": 6,
                      "rotherham-area-12m": 1, "gde-mental-health-exemplars-5m-each": 7}
    assert len(package["grants"]) == sum(counts.values())
    ids = [g["id"] for g in package["grants"]]
    assert ids == sorted(set(ids))


def test_recipients_are_identified_by_ods_code(package: dict[str, Any], graph: Any) -> None:
    gde = "https://w3id.org/gdegraph/def#"
    org_ids = {str(o) for o in graph.objects(None, URIRef(gde + "orgId"))}
    for grant in package["grants"]:
        (recipient,) = grant["recipientOrganization"]
        assert re.fullmatch(r"GB-NHS-[A-Z0-9]{3}", recipient["id"]) and recipient["id"] in org_ids
        assert grant["id"].startswith("GDEGRAPH-") and grant["id"].endswith(recipient["id"][-3:])
        assert all(f["id"].startswith(giving360.ORG_ID_PREFIX) for f in grant["fundingOrganization"])


def test_partnership_award_goes_to_its_lead_trust(package: dict[str, Any]) -> None:
    (grant,) = _by_award(package, "rotherham-area-12m")
    assert grant["recipientOrganization"][0]["id"] == "GB-NHS-RFR" and grant["amountAwarded"] == 12000000
    assert "through its lead trust" in grant["description"]
    assert "names no funder" in grant["description"] and grant["fundingOrganization"][0]["name"] == "NHSX"


def test_up_to_amounts_are_maxima_and_say_so(package: dict[str, Any]) -> None:
    grants = _by_award(package, "gde-first-12-up-to-10m-each")
    for grant in grants:
        assert grant["amountAwarded"] == 10000000
        assert "a maximum ('up to')" in grant["description"]
        assert {"code": "maximum", "title": "amount: maximum ('up to')",
                "vocabulary": "https://w3id.org/gdegraph/id/scheme/amount-qualifier"} in grant["classifications"]
    exact = _by_award(package, "acute-fast-followers-5m-central-each")[0]
    assert any(c["code"] == "exact" for c in exact["classifications"]) and "maximum" not in exact["description"]


def test_award_dates_state_their_real_precision(package: dict[str, Any]) -> None:
    month = _by_award(package, "acute-fast-followers-5m-central-each")[0]
    assert month["awardDate"] == "2017-09-01"
    assert "only the month, 2017-09" in month["description"]
    assert {"vocabulary": XSD, "code": "gYearMonth", "title": "award date precision: month"} in month["classifications"]
    year = _by_award(package, "gde-first-12-up-to-10m-each")[0]
    assert year["awardDate"] == "2016-01-01" and "only the year, 2016" in year["description"]
    day = _by_award(package, "digital-aspirants-wave-2-seed-250k-each")[0]
    assert day["awardDate"] == "2021-03-18" and "stands for it" not in day["description"]


def test_periods_become_planned_dates(package: dict[str, Any]) -> None:
    (event,) = _by_award(package, "digital-aspirants-wave-2-up-to-6m-each")[0]["plannedDates"]
    assert event == {"description": "over three years", "duration": 36}
    (event,) = _by_award(package, "mental-health-fast-followers-up-to-3m-each")[0]["plannedDates"]
    assert event["endDate"] == "2021-03-31"  # the end of financial year 2020-21


def test_conflicting_accounts_are_linked_not_merged(package: dict[str, Any]) -> None:
    up_to = {g["recipientOrganization"][0]["id"]: g for g in _by_award(package, "mental-health-fast-followers-up-to-3m-each")}
    exact = {g["recipientOrganization"][0]["id"]: g for g in _by_award(package, "mental-health-fast-followers-3m-each")}
    assert set(up_to) == set(exact)
    for org, grant in up_to.items():
        assert grant["relatedActivity"] == [exact[org]["id"]]
        assert exact[org]["relatedActivity"] == [grant["id"]]


def test_memberships_that_are_not_announced_are_flagged(package: dict[str, Any]) -> None:
    statuses = {c["code"] for g in _by_award(package, "mental-health-fast-followers-up-to-3m-each")
                for c in g["classifications"] if c["title"].startswith("recipient membership status")}
    assert statuses == {"proposed", "disputed"}


def test_what_is_left_out_is_listed_with_reasons(package: dict[str, Any]) -> None:
    reasons = {e["award"].removeprefix(AWARD): e["reason"] for e in package["excludedAwards"]}
    assert "corrected" in reasons["acute-fast-followers-160m-central"]
    assert "shared in total" in reasons["acute-fast-followers-80m-central"]
    assert "name none of its members" in reasons["national-exemplars-up-to-5m-each"]
    assert "whole programme" in reasons["digital-aspirant-3-to-6m-capital-each"]
    included = {g["dataSource"].removeprefix(AWARD) for g in package["grants"]}
    assert not included & set(reasons)
    skipped = {(s["award"].removeprefix(AWARD), s["name"]) for s in package["skippedRecipients"]}
    assert ("mental-health-fast-followers-up-to-3m-each",
            "Sheffield Health and Social Care NHS Foundation Trust") in skipped


def _schema_title(schema: dict[str, Any], path: tuple[str | int, ...]) -> str:
    """The flatten-tool title of a JSON path: each level's schema title joined with ':'."""
    defs, node, titles = schema["$defs"], schema, []
    for step in path:
        if isinstance(step, int):
            node = node["items"]
            node = defs[node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else node
            continue
        node = node["properties"][step]
        if "$ref" in node:
            titles.append(node.get("title") or defs[node["$ref"].rsplit("/", 1)[-1]].get("title") or step.title())
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
        else:
            titles.append(node["title"])
    return ":".join(titles)


def test_csv_columns_are_the_schema_titles_grantnav_uses() -> None:
    schema = json.loads((giving360.schema_dir() / giving360.GRANT_SCHEMA).read_text())
    for path, title in giving360.CSV_COLUMNS:
        assert _schema_title(schema, path) == title
        rolled = schema["properties"][path[0]].get("rollUp")
        assert len(path) == 1 or path[2] in rolled  # only fields 360Giving rolls up into the main sheet


def test_csv_rows_match_the_package(files: dict[str, bytes]) -> None:
    package = json.loads(files[giving360.PACKAGE_FILE])
    rows = list(csv.DictReader(io.StringIO(files[giving360.CSV_FILE].decode("utf-8"), newline="")))
    assert list(rows[0]) == [title for _, title in giving360.CSV_COLUMNS]
    assert len(rows) == len(package["grants"])
    for row, grant in zip(rows, package["grants"]):
        assert row["Identifier"] == grant["id"] and row["Amount Awarded"] == str(grant["amountAwarded"])
        assert row["Recipient Org:Identifier"] == grant["recipientOrganization"][0]["id"]
        assert row["Funding Org:Name"] == grant["fundingOrganization"][0]["name"]
        assert row["Description"] == grant["description"] and row["Award Date"] == grant["awardDate"]
        assert row["Related Activity"] == ";".join(grant.get("relatedActivity", []))
