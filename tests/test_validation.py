"""SHACL validation: the shapes are well-formed and documented, every negative fixture fails
with its readable message, the curated graph conforms, and the report formats and the
command line behave."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from gdegraph.core import paths
from gdegraph.core.errors import InputError
from gdegraph.validate.report import format_report
from gdegraph.validate.validation import qc_queries, shapes_graph, validate_dataset, validate_paths

FIXTURES = Path(__file__).parent / "fixtures"
BASE = FIXTURES / "valid" / "base.ttl"
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
VALID_DELTAS = sorted(p for p in (FIXTURES / "valid").glob("*.ttl") if p != BASE)
GDESH = "https://w3id.org/gdegraph/shapes#"
GDE = "https://w3id.org/gdegraph/def#"
ID = "https://w3id.org/gdegraph/id/"
CONSTRAINTS = {SH[name] for name in (
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive", "maxExclusive",
    "maxInclusive", "minLength", "maxLength", "pattern", "languageIn", "uniqueLang", "equals", "disjoint",
    "lessThan", "lessThanOrEquals", "not", "and", "or", "xone", "node", "hasValue", "in", "sparql",
    "qualifiedValueShape", "closed")}


def expectations(fixture: Path) -> tuple[int, list[str]]:
    """(expected exit status, substrings the report must contain) from ``NAME.expected``."""
    lines = [line for line in fixture.with_suffix(".expected").read_text(encoding="utf-8").splitlines() if line.strip()]
    status = next((int(line.split(":", 1)[1]) for line in lines if line.startswith("exit:")), 1)
    return status, [line for line in lines if not line.startswith("exit:")]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shapes_graph()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    from gdegraph.sources.dataset import load_ontology

    return load_ontology()


# --------------------------------------------------------------------------
# The shapes themselves


def test_shapes_are_valid_shacl(ontology: Graph) -> None:
    """pySHACL's meta-validation checks the shapes graph against SHACL's own shapes (SHACL-SHACL)
    and raises if it is not; the base fixture then conforms under plain pySHACL as well."""
    import pyshacl

    data = Graph().parse(BASE) + ontology
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes_graph(), meta_shacl=True, allow_warnings=True)
    assert conforms, text


def _reporting_shapes(shapes: Graph) -> set:
    """Shapes that produce results themselves: the targeted ones and their property shapes.

    Value shapes used through sh:node (gdesh:DateValue, gdesh:StatusConcept...) are left out:
    their failures are reported by, and with the message of, the shape that uses them.
    """
    targeted = {s for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
                for s in shapes.subjects(p, None)}
    return targeted | {p for s in targeted for p in shapes.objects(s, SH.property)}


def test_every_reporting_shape_is_named_labelled_and_has_a_message(shapes: Graph) -> None:
    problems = []
    for shape in sorted(_reporting_shapes(shapes)):
        is_property = (shape, SH.path, None) in shapes
        name_prop = SH.name if is_property else RDFS.label
        names = [n for n in shapes.objects(shape, name_prop) if isinstance(n, Literal) and n.language == "en"]
        if not str(shape).startswith(GDESH) or not names:
            problems.append(f"{shape}: needs a gdesh: IRI and an English {'sh:name' if is_property else 'rdfs:label'}")
        has_constraint = any((shape, c, None) in shapes for c in CONSTRAINTS)
        messages = [m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal) and m.language == "en"]
        if has_constraint and len(messages) != 1:
            problems.append(f"{shape}: needs exactly one English sh:message")
    assert not problems, "\n".join(problems)


def test_messages_say_how_to_fix(shapes: Graph) -> None:
    """A message is a sentence or two, not a constraint name: long enough to say what to do."""
    short = [f"{s}: {m}" for s, m in shapes.subject_objects(SH.message) if len(str(m)) < 40]
    assert not short, "\n".join(short)


def test_only_the_funder_shape_is_a_warning(shapes: Graph) -> None:
    assert {s for s, _ in shapes.subject_objects(SH.severity)} == {URIRef(GDESH + "FunderWarningShape")}
    assert shapes.value(URIRef(GDESH + "FunderWarningShape"), SH.severity) == SH.Warning


def test_shapes_use_only_terms_the_ontology_declares(shapes: Graph, ontology: Graph) -> None:
    """A misspelt gde: term or concept in a shape would silently never match anything."""
    declared = set(ontology.subjects(RDF.type, None))
    used = {t for triple in shapes for t in triple if isinstance(t, URIRef)
            and (str(t).startswith(GDE) or str(t).startswith(ID))}
    assert not sorted(used - declared)


def test_every_ontology_class_is_targeted(shapes: Graph, ontology: Graph) -> None:
    targeted = set(shapes.objects(None, SH.targetClass))
    missing = []
    for cls in ontology.subjects(RDF.type, OWL.Class):
        ancestry = set(ontology.transitive_objects(cls, RDFS.subClassOf))
        if str(cls).startswith(GDE) and not ancestry & targeted:
            missing.append(str(cls))
    assert not missing


# --------------------------------------------------------------------------
# Fixtures


def test_base_fixture_conforms_without_any_result() -> None:
    ok, text = validate_paths([BASE], "text")
    assert ok, text
    assert "0 violations, 0 warnings" in text, text


@pytest.mark.parametrize("fixture", VALID_DELTAS, ids=lambda p: p.stem)
def test_valid_fixture(fixture: Path) -> None:
    ok, text = validate_paths([BASE, fixture], "text")
    assert ok, text
    for expected in expectations(fixture)[1]:
        assert expected in text, f"{expected!r} not in:\n{text}"


def test_there_are_enough_negative_fixtures() -> None:
    assert len(INVALID) >= 15
    assert all(p.with_suffix(".expected").is_file() for p in INVALID)


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_fails_with_its_message(fixture: Path) -> None:
    status, expected = expectations(fixture)
    if status == 2:
        with pytest.raises(InputError) as info:
            validate_paths([BASE, fixture], "text")
        text = str(info.value)
    else:
        ok, text = validate_paths([BASE, fixture], "text")
        assert not ok, text
        assert "does not conform" in text and "VIOLATIONS" in text
    for line in expected:
        assert line in text, f"{line!r} not in the report:\n{text}"


def test_expected_rules_exist(shapes: Graph) -> None:
    """Every ``rule:`` line of an .expected file names a real shape or QC query (no typo can pass)."""
    known = {"gdesh:" + str(s)[len(GDESH):] for s in _reporting_shapes(shapes)}
    known |= {f"qc:{q.name}" for q in qc_queries()}
    named = {line.split(":", 1)[1].strip() for p in INVALID + VALID_DELTAS for line in expectations(p)[1]
             if line.startswith("rule:")}
    assert named and not named - known


def test_result_fields() -> None:
    from gdegraph.sources.loading import load_files

    ds = load_files([BASE, FIXTURES / "invalid" / "currency-usd.ttl"])
    report = validate_dataset(ds, files={"https://w3id.org/gdegraph/graph/currency-usd": "currency-usd.ttl"})
    [result] = report.violations
    assert str(result.focus) == ID + "award/acute-fast-followers-5m-dollars-each"
    assert result.focus_label == "$5m for each acute fast follower"
    assert result.path == "<https://schema.org/currency>"
    assert result.value == Literal("USD")
    assert result.rule == GDESH + "Amount-currency" and result.severity == "Violation"
    assert result.graphs == ("https://w3id.org/gdegraph/graph/currency-usd",)
    assert result.files == ("currency-usd.ttl",)
    assert not report.conforms and report.shape_count > 50 and len(report.qc_checks) >= 10


# --------------------------------------------------------------------------
# One case per remaining rule, validated in a single run: each case is a copy of a valid
# resource (TEMPLATES) with one property dropped or replaced, under its own IRI.

TEMPLATES: dict[str, tuple[str, str, dict[str, str]]] = {
    "membership": ("mem", "gde:ProgrammeMembership", {
        "gde:member": "trust:RQ6", "gde:inProgramme": "prog:global-digital-exemplar",
        "gde:inWave": "wave:gde-exemplars", "gde:inTier": "tier:gde-acute-exemplars",
        "gde:role": "c:role-global-digital-exemplar"}),
    "pairing": ("pairing", "gde:Pairing", {
        "gde:exemplar": "trust:RQ6", "gde:follower": "trust:REP", "gde:inProgramme": "prog:global-digital-exemplar",
        "gde:inWave": "wave:gde-fast-followers", "gde:inTier": "tier:gde-acute-fast-followers"}),
    "award": ("award", "gde:FundingAward", {
        "rdfs:label": '"Case award"@en', "gde:recipient": "tier:gde-acute-fast-followers",
        "schema:amount": '"1000"^^xsd:decimal', "schema:currency": '"GBP"',
        "gde:amountQualifier": "c:amount-qualifier-exact",
        "gde:fundingType": "c:funding-type-central", "gde:allocation": "c:allocation-per-recipient",
        "gde:funder": "body:nhs-england", "gde:inProgramme": "prog:global-digital-exemplar",
        "gde:inWave": "wave:gde-fast-followers", "gde:inTier": "tier:gde-acute-fast-followers"}),
    "claim": ("claim", "gde:Claim", {
        "rdfs:label": '"Case claim"@en', "gde:about": "tier:gde-acute-fast-followers",
        "gde:statedCount": '"18"^^xsd:integer', "gde:countQualifier": "c:amount-qualifier-exact"}),
    "expectation": ("exp", "gde:MilestoneExpectation", {
        "rdfs:label": '"Case expectation"@en', "gde:expectingOrganisation": "trust:RQ6",
        "gde:target": "prog:global-digital-exemplar", "gde:expectedBy": '"2018-06"^^xsd:gYearMonth'}),
    "trust": ("trust", "gde:NHSTrust", {"rdfs:label": '"Case trust"@en',
                                        "gde:identityNote": '"A test trust."@en'}),
    "programme": ("prog", "gde:Programme", {"rdfs:label": '"Case programme"@en',
                                            "prov:wasDerivedFrom": "src:seed-900"}),
    "wave": ("wave", "gde:Wave", {"rdfs:label": '"Case wave"@en', "gde:inProgramme": "prog:global-digital-exemplar",
                                  "prov:wasDerivedFrom": "src:seed-900"}),
    "tier": ("tier", "gde:Tier", {"rdfs:label": '"Case tier"@en', "gde:inWave": "wave:gde-exemplars",
                                  "gde:inProgramme": "prog:global-digital-exemplar",
                                  "prov:wasDerivedFrom": "src:seed-900"}),
    "event": ("event", "gde:AnnouncementEvent", {"rdfs:label": '"Case event"@en',
                                                 "dcterms:date": '"2017-09"^^xsd:gYearMonth',
                                                 "prov:wasDerivedFrom": "src:seed-900"}),
    "seed": ("src", "gde:NewsArticle", {
        "rdfs:label": '"Case seed"@en', "dcterms:identifier": '"950_0123456789abcdef.txt"',
        "gde:localFile": '"seeds/950_0123456789abcdef.txt"', "dcterms:issued": '"2017"^^xsd:gYear'}),
    "refdata": ("src", "gde:ReferenceDataset", {
        "dcterms:title": '"Case reference file"@en', "dcterms:license": "<http://example.org/licence>",
        "gde:asOf": '"2016"^^xsd:gYear', "gde:localFile": '"refdata/case.csv"'}),
    "name": ("name", "gde:NameRecord", {"rdfs:label": '"Case name"@en', "gde:nameText": '"CASE NHS TRUST"',
                                        "gde:asOf": '"2016"^^xsd:gYear', "gde:recordedIn": "src:seed-900"}),
    "change": ("change", "org:ChangeEvent", {
        "rdfs:label": '"Case change"@en', "org:originalOrganization": "trust:RQ6",
        "org:resultingOrganization": "trust:REP",
        "dcterms:date": '"2020-04-01"^^xsd:date', "prov:wasDerivedFrom": "src:seed-900"}),
    "point": ("location", "geo:Point", {"rdfs:label": '"Case point"@en', "geo:lat": '"53.4"^^xsd:decimal',
                                        "geo:long": '"-2.9"^^xsd:decimal', "prov:wasDerivedFrom": "src:seed-900"}),
    "region": ("region", "gde:Region", {"skos:prefLabel": '"Case region"@en', "skos:inScheme": "scheme:nhs-region",
                                        "skos:notation": '"Y62"'}),
    "person": ("person", "schema:Person", {"rdfs:label": '"A person"@en', "schema:name": '"A person"',
                                           "prov:wasDerivedFrom": "src:seed-900"}),
    "body": ("body", "gde:NationalBody", {"rdfs:label": '"Case body"@en', "prov:wasDerivedFrom": "src:seed-900"}),
    "collaboration": ("body", "org:OrganizationalCollaboration", {"rdfs:label": '"Case partnership"@en',
                                                                 "org:hasMember": "trust:RQ6"}),
    "concept": ("c", "skos:Concept", {"skos:inScheme": "scheme:status", "skos:notation": '"case"',
                                      "skos:prefLabel": '"case"@en'}),
    "scheme": ("scheme", "skos:ConceptScheme", {"skos:prefLabel": '"Case scheme"@en'}),
    "step": ("step", "gde:StatusChange", {"gde:statusOf": "pairing:rq6-rep", "gde:status": "c:status-announced",
                                          "gde:statusDate": '"2017-09"^^xsd:gYearMonth',
                                          "gde:quote": '"The quoted words"', "prov:wasDerivedFrom": "src:seed-900"}),
    "conflict": ("conflict", "gde:Conflict", {
        "gde:conflictingStatement": "claim:acute-fast-followers-18-named , claim:acute-followers-up-to-20",
        "gde:reportedByDefault": "claim:acute-fast-followers-18-named", "rdfs:comment": '"Why."@en',
        "prov:wasDerivedFrom": "src:seed-900"}),
    "rule": ("rule", "gde:InferenceRule", {"rdfs:label": '"Case rule"@en', "rdfs:comment": '"How."@en'}),
}
STATEMENT = {"gde:status": "c:status-announced", "gde:quote": '"The quoted words"',
             "prov:wasDerivedFrom": "src:seed-900"}
PREAMBLE = """@prefix gde: <https://w3id.org/gdegraph/def#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix schema: <https://schema.org/> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
""" + "".join(f"@prefix {p}: <{ID}{k}/> .\n" for p, k in (
    ("trust", "trust"), ("body", "organisation"), ("prog", "programme"), ("wave", "wave"), ("tier", "tier"),
    ("mem", "membership"), ("pairing", "pairing"), ("award", "award"), ("claim", "claim"), ("src", "source"),
    ("event", "event"), ("exp", "expectation"), ("name", "name"), ("change", "change"), ("location", "location"),
    ("region", "region"), ("person", "person"), ("c", "concept"), ("scheme", "scheme"), ("step", "status-change"),
    ("conflict", "conflict"), ("rule", "rule"))) + """
scheme:nhs-region a skos:ConceptScheme ; skos:prefLabel "NHS England regions"@en .
"""
# rule (gdesh: local name) -> (template, properties to drop, properties to set)
CASES: dict[str, tuple[str, tuple[str, ...], dict[str, str]]] = {
    "Announcement-at": ("claim", (), {"gde:announcedAt": "body:nhs-england"}),
    "Announcement-by": ("claim", (), {"gde:announcedBy": '"Jeremy Hunt"'}),
    "Announcement-date": ("claim", (), {"gde:announcementDate": '"2016"'}),
    "AnnouncementEventShape": ("event", ("dcterms:date",), {}),
    "AnnouncementEvent-date": ("event", (), {"dcterms:date": '"Sept 2017"'}),
    "AnnouncementEvent-start": ("event", (), {"schema:startDate": '"2021-03-19"^^xsd:date',
                                             "schema:endDate": '"2021-03-15"^^xsd:date'}),
    "AnnouncementEvent-end": ("event", (), {"schema:endDate": '"19 March 2021"'}),
    "AnnouncementEvent-superEvent": ("event", (), {"schema:superEvent": "prog:global-digital-exemplar"}),
    "Award-allocation": ("award", (), {"gde:allocation": "c:status-announced"}),
    "Award-amount": ("award", ("schema:amount",), {}),
    "Award-maximumAmount": ("award", (), {"gde:maximumAmount": '"one thousand"'}),
    "MaximumAmountRange-qualifier": ("award", (), {"gde:maximumAmount": '"1000"^^xsd:decimal'}),
    "MaximumAmountRange-equals": ("award", (), {"gde:amountQualifier": "c:amount-qualifier-range",
                                                "gde:minimumAmount": '"500"^^xsd:decimal',
                                                "gde:maximumAmount": '"2000"^^xsd:decimal'}),
    "RangeHasMaximumShape": ("award", (), {"gde:amountQualifier": "c:amount-qualifier-range",
                                           "gde:minimumAmount": '"500"^^xsd:decimal'}),
    "Award-duration": ("award", (), {"gde:durationYears": '"0"^^xsd:integer'}),
    "Award-funder": ("award", (), {"gde:funder": '"NHS England"'}),
    "Award-fundingType": ("award", (), {"gde:fundingType": "c:status-announced"}),
    "Award-period": ("award", (), {"gde:period": '"over three years"@en , "in the first year"@en'}),
    "Award-periodEnd": ("award", (), {"gde:periodEndFinancialYear": '"2020/21"'}),
    "Award-programme": ("award", ("gde:inProgramme",), {}),
    "Award-qualifier": ("award", (), {"gde:amountQualifier": "c:status-announced"}),
    "Award-recipient": ("award", (), {"gde:recipient": '"the acute fast followers"'}),
    "Award-tier": ("award", (), {"gde:inTier": "wave:gde-fast-followers"}),
    "Award-wave": ("award", (), {"gde:inWave": "tier:gde-acute-fast-followers"}),
    "ChangeEvent-original": ("change", ("org:originalOrganization",), {}),
    "ChangeEvent-resulting": ("change", ("org:resultingOrganization",), {}),
    "ChangeEvent-source": ("change", ("prov:wasDerivedFrom",), {}),
    "ChangeEvent-type": ("change", (), {"gde:changeType": "c:status-announced"}),
    "CitedEntity-source": ("wave", ("prov:wasDerivedFrom",), {}),
    "Claim-about": ("claim", ("gde:about",), {}),
    "Claim-countQualifier": ("claim", (), {"gde:countQualifier": "c:status-announced"}),
    "Claim-statedCount": ("claim", (), {"gde:statedCount": '"-1"^^xsd:integer'}),
    "ClaimCount-count": ("claim", ("gde:statedCount",), {}),
    "ClaimCount-qualifier": ("claim", ("gde:countQualifier",), {}),
    "Collaboration-member": ("collaboration", ("org:hasMember",), {}),
    "Concept-notation": ("concept", (), {"skos:notation": '"case" , "case-again"'}),
    "Concept-prefLabel": ("concept", ("skos:prefLabel",), {}),
    "Concept-scheme": ("concept", ("skos:inScheme",), {}),
    "ConceptScheme-prefLabel": ("scheme", ("skos:prefLabel",), {}),
    "EnglishText-altLabel": ("claim", (), {"skos:altLabel": '"untagged"'}),
    "EnglishText-comment": ("claim", (), {"rdfs:comment": '"untagged"'}),
    "EnglishText-definition": ("concept", (), {"skos:definition": '"untagged"'}),
    "EnglishText-description": ("claim", (), {"dcterms:description": '"Une description"@fr'}),
    "EnglishText-title": ("refdata", (), {"dcterms:title": '"untagged"'}),
    "EnglishText-prefLabel": ("scheme", (), {"skos:prefLabel": '"untagged"'}),
    "EnglishText-label-unique": ("claim", (), {"rdfs:label": '"one"@en , "two"@en'}),
    "EnglishText-prefLabel-unique": ("scheme", (), {"skos:prefLabel": '"one"@en , "two"@en'}),
    "Expectation-expectedBy": ("expectation", (), {"gde:expectedBy": '"June 2018"'}),
    "Expectation-organisation": ("expectation", ("gde:expectingOrganisation",), {}),
    "Expectation-target": ("expectation", (), {"gde:target": '"the standards"'}),
    "Membership-collaboratesWith": ("membership", (), {"gde:collaboratesWith": '"Salisbury"'}),
    "Membership-jointWith": ("membership", (), {"gde:jointWith": '"Liverpool Women\'s"'}),
    "JointMembershipShape": ("membership", (), {"gde:jointWith": "mem:case-jointmembershipshape"}),
    "Membership-member": ("membership", ("gde:member",), {}),
    "Membership-programme": ("membership", ("gde:inProgramme",), {}),
    "Membership-role": ("membership", (), {"gde:role": "c:status-announced"}),
    "Membership-tier": ("membership", (), {"gde:inTier": "wave:gde-exemplars"}),
    "Membership-wave": ("membership", ("gde:inWave",), {}),
    "NameRecord-asOf": ("name", (), {"gde:asOf": '"2016"'}),
    "NameRecord-nameText": ("name", ("gde:nameText",), {}),
    "NameRecord-recordedIn": ("name", ("gde:recordedIn",), {}),
    "OrganisationShape": ("body", ("rdfs:label",), {}),
    "Pairing-follower": ("pairing", ("gde:follower",), {}),
    "Pairing-programme": ("pairing", ("gde:inProgramme",), {}),
    "Pairing-sector": ("pairing", (), {"gde:sector": "c:status-announced"}),
    "Pairing-tier": ("pairing", (), {"gde:inTier": "wave:gde-fast-followers"}),
    "Pairing-wave": ("pairing", ("gde:inWave",), {}),
    "Person-name": ("person", ("schema:name",), {}),
    "Point-source": ("point", ("prov:wasDerivedFrom",), {}),
    "Programme-operatedBy": ("programme", (), {"gde:operatedBy": '"NHS England"'}),
    "RangeHasMinimumShape": ("award", (), {"gde:amountQualifier": "c:amount-qualifier-range"}),
    "ReferenceDataset-asOf": ("refdata", ("gde:asOf",), {}),
    "ReferenceDataset-license": ("refdata", (), {"dcterms:license": '"OGL"'}),
    "ReferenceDataset-localFile": ("refdata", (), {"gde:localFile": '"seeds/case.csv"'}),
    "ReferenceDataset-title": ("refdata", ("dcterms:title",), {}),
    "Region-notation": ("region", (), {"skos:notation": '"North"'}),
    "SeedArticle-identifier": ("seed", (), {"dcterms:identifier": '"Article 1.txt"'}),
    "SeedArticle-url": ("seed", (), {"schema:url": '"https://example.org/article"'}),
    "ArticleRecordShape": ("seed", (), {"gde:localFile": '"sources/950_0123456789abcdef.txt"'}),
    "SeedArticle-localFile": ("seed", ("gde:localFile",), {}),
    "SeedArticle-modified": ("seed", (), {"dcterms:modified": '"11 September"'}),
    "SeedArticle-publisher": ("seed", (), {"dcterms:publisher": '"HSJ"'}),
    "SeedFileNameShape": ("seed", (), {"gde:localFile": '"seeds/951_0123456789abcdef.txt"'}),
    "SourceShape": ("seed", ("rdfs:label",), {}),
    "Source-localFile": ("refdata", (), {"gde:localFile": '"data/case.csv"'}),
    "Source-sha256": ("seed", (), {"gde:sha256": '"abc"'}),
    "SourcedStatement-conflictsWith": ("claim", (), {"gde:conflictsWith": '"the other claim"'}),
    "SourcedStatement-correctedBy": ("claim", (), {"gde:correctedBy": '"a later claim"'}),
    "SourcedStatement-corrects": ("claim", (), {"gde:corrects": "claim:acute-fast-followers-18-named",
                                                "gde:correctedBy": "claim:acute-fast-followers-18-named"}),
    "SourcedStatement-correctionDate": ("claim", (), {"gde:correctionDate": '"11 September"'}),
    "SourcedStatement-quote": ("claim", ("gde:quote",), {}),
    "Tier-programme": ("tier", ("gde:inProgramme",), {}),
    "Tier-sector": ("tier", (), {"gde:sector": "c:status-announced"}),
    "Tier-wave": ("tier", ("gde:inWave",), {}),
    "Trust-closeDate": ("trust", (), {"gde:odsCloseDate": '"2020"'}),
    "Trust-location": ("trust", (), {"geo:location": '"Liverpool"'}),
    "Trust-odsCode-count": ("trust", (), {"gde:odsCode": '"RQ6" , "RQ7"'}),
    "Trust-officialName": ("trust", (), {"gde:officialName": '"CASE NHS TRUST"'}),
    "Trust-openDate": ("trust", (), {"gde:odsOpenDate": '"2020-04-01"^^xsd:date',
                                     "gde:odsCloseDate": '"2019-04-01"^^xsd:date'}),
    "Trust-region": ("trust", (), {"gde:nhsRegion": '"Y62"'}),
    "Wave-number": ("wave", (), {"gde:waveNumber": '"0"^^xsd:integer'}),
    "Wave-programme": ("wave", ("gde:inProgramme",), {}),
    "WaveNumberUniqueShape": ("wave", (), {"gde:waveNumber": '"1"^^xsd:integer'}),
    "StatusChange-statusOf": ("step", ("gde:statusOf",), {}),
    "StatusChange-date": ("step", (), {"gde:statusDate": '"January 2018"'}),
    "Conflict-statements": ("conflict", (), {"gde:conflictingStatement": "claim:acute-fast-followers-18-named"}),
    "Conflict-default": ("conflict", ("gde:reportedByDefault",), {}),
    "Conflict-why": ("conflict", ("rdfs:comment",), {}),
    "Conflict-source": ("conflict", ("prov:wasDerivedFrom",), {}),
    "InferenceRule-label": ("rule", ("rdfs:label",), {}),
    "InferenceRule-how": ("rule", ("rdfs:comment",), {}),
}
STATEMENTS = {"membership", "pairing", "award", "claim", "expectation"}


def _case_iri(rule: str) -> tuple[str, str]:
    """(prefixed name, full IRI) of the resource a case adds."""
    prefix, kind, _ = TEMPLATES[CASES[rule][0]]
    key = "case-" + re.sub(r"[^a-z0-9]+", "-", rule.lower()).strip("-")
    namespace = re.search(rf"@prefix {prefix}: <([^>]+)>", PREAMBLE).group(1)
    return f"{prefix}:{key}", namespace + key


def _case_turtle(rule: str) -> str:
    template, drop, changes = CASES[rule]
    _, cls, properties = TEMPLATES[template]
    merged = {**properties, **(STATEMENT if template in STATEMENTS else {}), **changes}
    body = "".join(f" ;\n    {p} {v}" for p, v in merged.items() if p not in drop)
    return f"{_case_iri(rule)[0]}\n    a {cls}{body} .\n"


@pytest.fixture(scope="module")
def case_report(tmp_path_factory):
    path = tmp_path_factory.mktemp("cases") / "cases.ttl"
    path.write_text(PREAMBLE + "\n" + "\n".join(_case_turtle(rule) for rule in CASES), encoding="utf-8")
    from gdegraph.sources.loading import load_files

    return validate_dataset(load_files([BASE, path]))


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires_on_its_case(rule: str, case_report) -> None:
    _, iri = _case_iri(rule)
    fired = {r.rule.removeprefix(GDESH) for r in case_report.violations if str(r.focus) == iri}
    assert rule in fired, f"{_case_turtle(rule)}fired: {sorted(fired)}"


def test_every_rule_is_exercised(shapes: Graph) -> None:
    """Each shape with a constraint of its own fires in a negative fixture or a case above."""
    expected = " ".join(p.with_suffix(".expected").read_text(encoding="utf-8") for p in INVALID + VALID_DELTAS)
    exercised = set(CASES) | set(re.findall(r"rule: gdesh:([\w-]+)", expected))
    constrained = {str(s).removeprefix(GDESH) for s in _reporting_shapes(shapes)
                   if any((s, c, None) in shapes for c in CONSTRAINTS)}
    assert not sorted(constrained - exercised)


# --------------------------------------------------------------------------
# The real graph


def test_curated_graph_conforms(dataset) -> None:
    """The whole built graph has no violation; its only warnings are awards whose funder is unknown."""
    report = validate_dataset(dataset)
    assert report.conforms, format_report(report, "text")
    assert {r.rule for r in report.warnings} <= {GDESH + "FunderWarningShape"}


# --------------------------------------------------------------------------
# Report formats


def _failing_report():
    from gdegraph.sources.loading import load_files

    return validate_dataset(load_files([BASE, FIXTURES / "invalid" / "tier-not-in-wave.ttl"]))


def test_text_report_groups_by_severity_file_and_resource() -> None:
    text = format_report(_failing_report(), "text")
    lines = text.splitlines()
    assert lines[0].startswith("gdegraph validate: does not conform: 3 violations, 0 warnings")
    assert "VIOLATIONS (3)" in lines
    assert lines.count("  mem:gde-acute-exemplars-rep") == 1
    assert 'tier:gde-acute-fast-followers "Acute fast followers"' in text
    assert "https://" not in text


def test_turtle_report_is_a_shacl_report_with_the_qc_results() -> None:
    graph = Graph().parse(data=format_report(_failing_report(), "turtle"), format="turtle")
    report = graph.value(None, RDF.type, SH.ValidationReport, any=False)
    assert graph.value(report, SH.conforms) == Literal(False)
    results = list(graph.objects(report, SH.result))
    assert len(results) == 3
    assert (None, SH.sourceShape, URIRef(GDESH + "qc-tier-not-in-wave")) in graph


def test_json_report() -> None:
    payload = json.loads(format_report(_failing_report(), "json"))
    assert payload["conforms"] is False and payload["violations"] == 3
    rules = {r["rule"] for r in payload["results"]}
    assert rules == {GDESH + "TierInWave-wave", "qc:tier-not-in-wave"}
    assert all(r["focus"] == ID + "membership/gde-acute-exemplars-rep" for r in payload["results"])


def test_unknown_format_is_an_input_error() -> None:
    with pytest.raises(InputError):
        validate_paths([BASE], "yaml")


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        validate_paths([tmp_path / "nope.ttl"], "text")


# --------------------------------------------------------------------------
# Through the real command line


def _gdegraph(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "gdegraph"
    env = {k: v for k, v in os.environ.items() if k != "GDEGRAPH_DEBUG"}
    return subprocess.run([str(script), *args], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=300, cwd=paths.repo_root())


def test_cli_validate_exit_codes() -> None:
    fixture = FIXTURES / "invalid" / "pairing-same-trust.ttl"
    failed = _gdegraph("validate", str(BASE), str(fixture))
    assert failed.returncode == 1, failed.stderr
    assert "The exemplar and the follower of a pairing are the same trust" in failed.stdout
    assert "Traceback" not in failed.stderr + failed.stdout

    malformed = _gdegraph("validate", str(FIXTURES / "invalid" / "malformed.ttl"))
    assert malformed.returncode == 2, malformed.stderr
    assert "malformed.ttl:7:1: Turtle syntax error" in malformed.stderr
    assert "Traceback" not in malformed.stderr + malformed.stdout

    passed = _gdegraph("validate", "--format", "json", str(BASE))
    assert passed.returncode == 0, passed.stderr
    assert json.loads(passed.stdout)["conforms"] is True
