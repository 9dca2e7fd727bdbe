"""The gold annotations in tests/gold/ are well formed and true to their articles.

The extraction scores are only as good as the gold files, so these checks keep them honest: every
quote is verbatim in its article, every trust code is in the ODS reference data (or is a curated
trust without a code), every value is a notation of the graph's own concept schemes, and the items
refer only to trusts the file lists.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SKOS

from gdegraph.core.paths import data_dir, ontology_dir, refdata_dir, shared_dir

GOLD = Path(__file__).parent / "gold"
FILES = sorted(GOLD.glob("*.json"))
CONCEPT = "https://w3id.org/gdegraph/id/concept/"
TRUST = "https://w3id.org/gdegraph/id/trust/"
#: gold field -> the concept IRI prefix whose notations are its values
FIELDS = {"role": "role-", "sector": "sector-", "status": "status-", "qualifier": "amount-qualifier-",
          "allocation": "allocation-", "funding_type": "funding-type-"}


def _notations() -> dict[str, set[str]]:
    g = Graph().parse(ontology_dir() / "concepts.ttl")
    out: dict[str, set[str]] = {field: set() for field in FIELDS}
    for concept, notation in g.subject_objects(SKOS.notation):
        for field, prefix in FIELDS.items():
            if str(concept).startswith(CONCEPT + prefix):
                out[field].add(str(notation))
    return out


def _known_trusts() -> set[str]:
    codes: set[str] = set()
    for name in ("ods-etr-2016.csv", "ods-etr-2025.csv"):
        with open(refdata_dir() / name, newline="", encoding="utf-8") as fh:
            codes |= {row[0] for row in csv.reader(fh) if row}
    g = Graph().parse(data_dir() / "trusts.ttl")
    codes |= {str(s)[len(TRUST):] for s in g.subjects() if str(s).startswith(TRUST)}
    return codes


def test_a_gold_file_for_each_seed_and_each_new_article() -> None:
    stems = {p.stem for p in FILES}
    expected = {f"seed-{p.name[:3]}" for p in (shared_dir() / "seeds").glob("*.txt")}
    expected |= {p.stem for p in (shared_dir() / "sources").glob("*.txt")}
    assert len(expected) == 12 and stems == expected


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_gold_file_is_true_to_its_article(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    text = (shared_dir() / doc["source"]).read_text(encoding="utf-8")
    notations, known = _notations(), _known_trusts()
    listed = set(doc["trusts"])
    assert listed <= known, f"codes not in the reference data: {sorted(listed - known)}"
    assert len(listed) == len(doc["trusts"])

    def check(item: dict, where: str) -> None:
        for field, allowed in notations.items():
            if item.get(field) is not None:
                assert item[field] in allowed, f"{where}: {field}={item[field]!r}"
        if "quote" in item:
            assert item["quote"] in text, f"{where}: quote not verbatim: {item['quote']!r}"

    for m in doc["memberships"]:
        assert m["trust"] in listed
        check(m, f"membership {m['trust']}")
    keys = [(m["trust"], m["role"]) for m in doc["memberships"]]
    assert len(keys) == len(set(keys)), "a (trust, role) twice"
    for p in doc["pairings"]:
        assert {p["exemplar"], p["follower"]} <= listed
        check(p, f"pairing {p['exemplar']}-{p['follower']}")
        for step in p.get("history", []):
            check(step, f"pairing {p['exemplar']}-{p['follower']} history")
        if p.get("history"):
            assert p["history"][-1]["status"] == p["status"], "status is the latest step's"
    for a in doc["amounts"]:
        check(a, f"amount {a['value']}")
        assert a["value"] > 0
        if a["qualifier"] == "range":
            assert a["min"] < a["max"] == a["value"]
        else:
            assert a["min"] is None and a["max"] is None
