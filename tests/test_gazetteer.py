"""Trust-name resolution: normalisation, look-alikes, renamed trusts, trusts without a code."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from gdegraph.core import paths
from gdegraph.cli.main import main
from gdegraph.sources.gazetteer import ACCEPT, Gazetteer, loose_key, normalise, parse_date
from gdegraph.sources.refdata_files import load_reference


@pytest.fixture(scope="module")
def ref_only() -> Gazetteer:
    return Gazetteer.from_reference(load_reference(paths.refdata_dir()))


@pytest.fixture(scope="module")
def with_curated() -> Gazetteer:
    from gdegraph.curate.extract.commands import load_gazetteer

    return load_gazetteer(reference_only=False)


@pytest.mark.parametrize("a, b", [
    ("The Newcastle upon Tyne Hospitals NHS Foundation Trust", "Newcastle upon Tyne Hospitals FT"),
    ("Chelsea & Westminster NHS Foundation Trust", "Chelsea and Westminster Foundation Trust"),
    ("Liverpool Women’s NHS Foundation Trust", "LIVERPOOL WOMEN'S NHS FOUNDATION TRUST"),
    ("University College London Hospitals (UCLH) NHS Foundation Trust", "University College London Hospitals FT"),
    ("University Hospitals Southampton FT", "UNIVERSITY HOSPITAL SOUTHAMPTON NHS FOUNDATION TRUST"),
    ("Wye Valley Trust", "WYE VALLEY NHS TRUST"),
])
def test_normalise_removes_the_usual_variants(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


def test_loose_key_drops_hospitals_but_keeps_identity() -> None:
    assert loose_key("Salford Royal Hospitals Trust") == loose_key("SALFORD ROYAL NHS FOUNDATION TRUST")
    assert loose_key("Sussex Community FT") != loose_key("Sussex Partnership FT")


def test_parse_date_accepts_three_precisions() -> None:
    assert parse_date("2017") == date(2017, 1, 1)
    assert parse_date("2017-09") == date(2017, 9, 1)
    assert parse_date("2017-09-11") == date(2017, 9, 11)
    with pytest.raises(ValueError):
        parse_date("11/09/2017")


@pytest.mark.parametrize("name, code, method", [
    ("WYE VALLEY NHS TRUST", "RLQ", "exact alias"),
    ("Royal Free London FT", "RAL", "normalised match"),
    ("Salford Royal Hospitals Trust", "RM3", "loose match"),
    ("West Suffolk Hospitals FT", "RGR", "loose match"),
])
def test_each_level_says_how_it_matched(ref_only: Gazetteer, name: str, code: str, method: str) -> None:
    result = ref_only.resolve(name, date(2017, 9, 1))
    assert result.status == "resolved"
    assert result.best is not None and result.best.code == code
    assert result.best.method == method
    assert code in result.explain() and method in result.explain()


@pytest.mark.parametrize("name, code", [
    ("Gatehsead Helth NHS Foundation Trust", "RR7"),
    ("Royal Berkshre FT", "RHW"),
    ("Milton Keynes Univeristy Hospital FT", "RD8"),
    ("Oxfordshire Healthcare FT", "RNU"),  # word by word a longer form of "Oxford Health" (seed 003)
])
def test_misspellings_are_probable_fuzzy_matches(ref_only: Gazetteer, name: str, code: str) -> None:
    result = ref_only.resolve(name)
    assert result.status == "probable"
    assert result.best is not None and result.best.code == code and result.best.method == "fuzzy"


@pytest.mark.parametrize("name, code", [
    ("Worcestershire Acute Hospitals NHS Trust", "RWP"),
    ("Worcestershire Health and Care NHS Trust", "R1A"),
    ("Worcestershire Health & Care Trust", "R1A"),
    ("University Hospitals Coventry and Warwickshire NHS Trust", "RKB"),
    ("Coventry and Warwickshire Partnership Trust", "RYG"),
    ("Sussex Community NHS Foundation Trust", "RDR"),
    ("Sussex Partnership FT", "RX2"),
])
def test_look_alikes_are_kept_apart(ref_only: Gazetteer, name: str, code: str) -> None:
    result = ref_only.resolve(name, date(2018, 1, 1))
    assert result.best is not None and result.best.code == code


@pytest.mark.parametrize("name", ["Coventry and Warwickshire Trust", "Worcestershire NHS Trust", "Sussex FT"])
def test_names_shared_by_look_alikes_are_not_picked(ref_only: Gazetteer, name: str) -> None:
    result = ref_only.resolve(name, date(2018, 1, 1))
    assert result.best is None
    assert result.status in ("ambiguous", "uncertain", "unknown")
    assert len(result.candidates) >= 2


def test_renamed_trust_resolves_by_the_name_it_had(ref_only: Gazetteer) -> None:
    old = ref_only.resolve("Luton and Dunstable University Hospital NHS Foundation Trust", date(2017, 9, 1))
    assert old.best is not None and old.best.code == "RC9"
    assert old.best.name == "Luton and Dunstable University Hospital NHS Foundation Trust"
    assert old.best.latest == "Bedfordshire Hospitals NHS Foundation Trust"
    new = ref_only.resolve("Bedfordshire Hospitals NHS Foundation Trust", date(2021, 3, 1))
    assert new.best is not None and new.best.code == "RC9"
    late = ref_only.resolve("Luton and Dunstable University Hospital NHS Foundation Trust", date(2024, 6, 1))
    assert any("not its name" in note for note in late.best.notes)  # type: ignore[union-attr]


@pytest.mark.parametrize("name, on", [("Cumbria Partnership FT", date(2018, 1, 19)),
                                      ("North Cumbria Integrated Care NHS Foundation Trust", date(2021, 3, 18))])
def test_both_names_of_rnn_resolve_on_their_dates(ref_only: Gazetteer, name: str, on: date) -> None:
    result = ref_only.resolve(name, on)
    assert result.best is not None and result.best.code == "RNN"


def test_the_date_decides_between_predecessor_and_successor(ref_only: Gazetteer) -> None:
    """R0A opened in 2017 from the Manchester trusts: before that the name is not R0A's."""
    name = "Manchester University Hospitals NHS Foundation Trust"
    before = ref_only.resolve(name, date(2016, 6, 1))
    after = ref_only.resolve(name, date(2019, 6, 1))
    assert before.best is None or before.best.code != "R0A"
    assert after.best is not None and after.best.code == "R0A"


def test_a_closed_trust_named_later_carries_a_warning(ref_only: Gazetteer) -> None:
    result = ref_only.resolve("North Cumbria University Hospitals NHS Trust", date(2021, 6, 1))
    assert result.best is not None and result.best.code == "RNL"
    assert any(note.startswith("not open on 2021-06-01") for note in result.best.notes)


def test_a_trust_without_a_code_is_not_given_a_look_alike(ref_only: Gazetteer, with_curated: Gazetteer) -> None:
    name = "Sheffield Health and Social Care FT"
    alone = ref_only.resolve(name, date(2018, 1, 19))
    assert alone.best is None
    assert all(c.score < ACCEPT for c in alone.candidates)
    curated = with_curated.resolve(name, date(2018, 1, 19))
    assert curated.best is not None and curated.best.code is None
    assert curated.best.iri == "https://w3id.org/gdegraph/id/trust/sheffield-health-and-social-care"
    assert any("no code in reference data" in note for note in curated.best.notes)


@given(st.text(max_size=60))
@settings(max_examples=150, deadline=None)
def test_an_answer_is_only_given_when_resolved_or_probable(text: str) -> None:
    gazetteer = _shared_gazetteer()
    result = gazetteer.resolve(text)
    assert result.status in ("resolved", "probable", "ambiguous", "uncertain", "unknown")
    assert (result.best is not None) == (result.status in ("resolved", "probable"))


_CACHE: list[Gazetteer] = []


def _shared_gazetteer() -> Gazetteer:
    if not _CACHE:
        _CACHE.append(Gazetteer.from_reference(load_reference(paths.refdata_dir())))
    return _CACHE[0]


def test_resolve_command_prints_code_name_score_and_reason(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "Salford Royal Hospitals Trust", "--date", "2016-09", "--reference-only"]) == 0
    out = capsys.readouterr().out
    assert "resolved" in out and "RM3" in out and "Salford Royal NHS Foundation Trust" in out
    assert "loose match" in out and "score" in out


def test_resolve_command_reports_ambiguity(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "Coventry and Warwickshire", "--reference-only"]) == 1  # not resolved: not success
    captured = capsys.readouterr()
    assert "ambiguous" in captured.out and "RYG" in captured.out and "RKB" in captured.out
    assert "not resolved" in captured.out and "not resolved to one trust" in captured.err


@pytest.mark.parametrize("args", [["resolve", "Wye Valley", "--date", "2017-13"], ["resolve", "  "]])
def test_resolve_command_rejects_bad_input(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    assert "gdegraph: error:" in capsys.readouterr().err


def test_load_gazetteer_reads_the_reference_folder_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    from gdegraph.curate.extract import commands

    read = []
    real = load_reference

    def spy(folder: object) -> object:
        read.append(folder)
        return real(paths.refdata_dir())

    monkeypatch.setattr("gdegraph.sources.refdata_files.load_reference", spy)
    gazetteer = commands.load_gazetteer(reference_only=True, refdata=paths.shared_dir() / "refdata")
    assert read == [paths.shared_dir() / "refdata"] and gazetteer.resolve("Wye Valley").best is not None


def test_a_word_prefix_needs_four_letters_in_every_word(ref_only: Gazetteer) -> None:
    """"Oxfordshire Healthcare" meets "Oxford Health", but short words prove nothing."""
    assert "oxford health" in ref_only._word_prefix("oxfordshire healthcare")
    assert not ref_only._word_prefix("ox health")
    assert all(len(k.split()) == 2 for k in ref_only._word_prefix("oxfordshire healthcare"))
