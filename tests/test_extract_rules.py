"""The generalising rules on short made-up sentences (not the shared articles): mojibake,
short names and initialisms, predication, loss, anaphora, status words, ambulance sector."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from gdegraph.core import paths
from gdegraph.curate.extract import Extraction, extract_article, parse_article
from gdegraph.curate.extract.repair import repair_text
from gdegraph.sources.gazetteer import Gazetteer
from gdegraph.sources.refdata_files import load_reference


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_reference(load_reference(paths.refdata_dir()))


def run(text: str, gazetteer: Gazetteer) -> Extraction:
    return extract_article(parse_article(text + "\n"), gazetteer, "t", "2018-01")


def pairs(ex: Extraction) -> set[tuple[str, str, str]]:
    return {(p.exemplar.key, p.follower.key, p.status) for p in ex.pairings}


def roles(ex: Extraction) -> set[tuple[str, str]]:
    return {(m.member.key, m.context.role.removeprefix("role-")) for m in ex.memberships}


@pytest.mark.parametrize("broken, fixed", [
    ("an investment of Ā£5m", "an investment of £5m"),
    ("ā€œWe are asking", "“We are asking"),
    ("technology,ā€ he explained", "technology,” he explained"),
    ("Liverpool Women’s “quote” — café", "Liverpool Women’s “quote” — café"),  # left alone
])
def test_mojibake_is_repaired_and_good_text_kept(broken: str, fixed: str) -> None:
    assert repair_text(broken) == fixed


def test_a_repaired_pound_sign_gives_the_amount(gazetteer: Gazetteer) -> None:
    ex = run("The three trusts are to share an investment of Ā£5m over two years.", gazetteer)
    assert {a.amount for a in ex.amounts} == {5_000_000}


def test_initialisms_and_article_aliases(gazetteer: Gazetteer) -> None:
    ex = run("Sussex Partnership NHS Foundation Trust will be buddied with SLaM. "
             "Cumbria Partnership NHS Foundation Trust will be buddied with NTW.", gazetteer)
    assert {("RV5", "RX2"), ("RX4", "RNN")} <= {(e, f) for e, f, _ in pairs(ex)}


def test_an_initialism_two_trusts_share_is_read_from_the_article(gazetteer: Gazetteer) -> None:
    text = ("University Hospitals Birmingham NHS Foundation Trust is a global digital exemplar. "
            "Heart of England NHS Foundation Trust will be buddied with UHB.")
    assert ("RRK", "RR1") in {(e, f) for e, f, _ in pairs(run(text, gazetteer))}
    # without the full name, "UHB" could be Birmingham (RRK) or Bristol (RA7): nothing is guessed
    assert not run("Heart of England NHS Foundation Trust will be buddied with UHB.", gazetteer).pairings


def test_loss_of_a_fast_follower_is_a_withdrawn_pairing(gazetteer: Gazetteer) -> None:
    ex = run("Royal Free London NHS Foundation Trust has lost North Middlesex University Hospital NHS Trust "
             "as a fast follower.", gazetteer)
    assert pairs(ex) == {("RAL", "RAP", "withdrawn")}


def test_anaphora_and_a_short_name_later(gazetteer: Gazetteer) -> None:
    text = ("Oxford University Hospitals NHS Foundation Trust spoke to us.\n\n"
            "It was announced the global digital exemplar would be paired with Royal Berkshire NHS Foundation "
            "Trust.\n\nRoyal Berkshire has since been dropped as a proposed fast follower.")
    assert pairs(run(text, gazetteer)) == {("RTH", "RHW", "withdrawn")}


def test_predicated_ambulance_exemplars_are_confirmed(gazetteer: Gazetteer) -> None:
    ex = run("Yorkshire Ambulance Service NHS Trust and East Midlands Ambulance Service NHS Trust have been "
             "formally confirmed as global digital exemplars.", gazetteer)
    assert roles(ex) == {("RX8", "global-digital-exemplar"), ("RX9", "global-digital-exemplar")}
    assert {m.context.status for m in ex.memberships} == {"confirmed"}
    assert {m.context.sector for m in ex.memberships} == {"ambulance"}


def test_a_list_takes_its_role_from_the_headline(gazetteer: Gazetteer) -> None:
    text = ("Two acute global digital exemplars have been named.\n\nThe trusts chosen are:\n\n"
            "  • Salford Royal NHS Foundation Trust\n  • Royal Free London NHS Foundation Trust\n")
    assert roles(run(text, gazetteer)) == {("RM3", "global-digital-exemplar"), ("RAL", "global-digital-exemplar")}


def test_a_copula_names_the_exemplar(gazetteer: Gazetteer) -> None:
    ex = run("The only other GDE to get two fast followers was Salford Royal NHS Foundation Trust, paired with "
             "Pennine Acute Hospitals NHS Trust and Wirral University Teaching Hospital NHS Foundation Trust.",
             gazetteer)
    assert {(e, f) for e, f, _ in pairs(ex)} == {("RM3", "RW6"), ("RM3", "RBL")}
    assert not [i for i in ex.issues if "verb only" in i.reason]


def test_subject_to_approval_is_proposed(gazetteer: Gazetteer) -> None:
    ex = run("Gateshead Health NHS Foundation Trust will be buddied with Newcastle upon Tyne Hospitals NHS "
             "Foundation Trust, subject to Treasury approval.", gazetteer)
    assert {s for _, _, s in pairs(ex)} == {"proposed"}


def test_two_trusts_named_as_one_exemplar_in_a_list(gazetteer: Gazetteer) -> None:
    text = ("The acute global digital exemplars are:\n\n"
            "  • Salford Royal NHS Foundation Trust\n"
            "  • Guy's and St Thomas' and King's College Hospital NHS Foundation Trusts\n"
            "  • Royal Free London NHS Foundation Trust\n")
    ex = run(text, gazetteer)
    assert roles(ex) == {(k, "global-digital-exemplar") for k in ("RM3", "RJ1", "RJZ", "RAL")}
    joint = {m.member.key: {t.key for t in m.joint} for m in ex.memberships if m.joint}
    assert joint == {"RJ1": {"RJZ"}, "RJZ": {"RJ1"}}
    from gdegraph.curate.extract import candidate_graph
    from gdegraph.model import iris

    g = candidate_graph(ex)
    assert len(list(g.subject_objects(URIRef(iris.term("jointWith"))))) == 2


def test_two_trusts_selected_jointly_in_prose(gazetteer: Gazetteer) -> None:
    ex = run("Guy's and St Thomas' NHS Foundation Trust and King's College Hospital NHS Foundation Trust were "
             "selected jointly as one global digital exemplar.", gazetteer)
    assert {(m.member.key, tuple(t.key for t in m.joint)) for m in ex.memberships} == {
        ("RJ1", ("RJZ",)), ("RJZ", ("RJ1",))}


def test_confidence_is_lower_for_weaker_evidence(gazetteer: Gazetteer) -> None:
    from gdegraph.curate.extract.confidence import confidence

    stated = run("GDE, Salford Royal NHS Foundation Trust, is matched with Pennine Acute Hospitals NHS Trust as a "
                 "fast follower.", gazetteer).pairings[0]
    by_verb = run("Salford Royal NHS Foundation Trust is matched with Pennine Acute Hospitals NHS Trust.",
                  gazetteer).pairings[0]
    fuzzy = run("GDE, Salford Royal NHS Foundation Trust, is matched with Penine Acute Hospitls NHS Trust as a "
                "fast follower.", gazetteer).pairings[0]
    assert 0 < confidence(by_verb) < confidence(fuzzy) < confidence(stated) <= 1


def test_a_party_reaffirming_a_pairing_confirms_it(gazetteer: Gazetteer) -> None:
    text = ("Salford Royal NHS Foundation Trust was paired with Pennine Acute Hospitals NHS Trust as a fast "
            "follower. Salford Royal told Digital Health News that this is still the case.")
    assert pairs(run(text, gazetteer)) == {("RM3", "RW6", "confirmed")}
    alone = "Salford Royal NHS Foundation Trust was paired with Pennine Acute Hospitals NHS Trust as a fast follower."
    assert pairs(run(alone, gazetteer)) == {("RM3", "RW6", "announced")}
