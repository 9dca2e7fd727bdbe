"""Tests for gdegraph.model.names: readable labels from official upper-case names."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdegraph.core import paths
from gdegraph.model.names import UPPER_WORDS, readable_name

EXPECTED = {
    "ROYAL LIVERPOOL AND BROADGREEN UNIVERSITY HOSPITALS NHS TRUST":
        "Royal Liverpool and Broadgreen University Hospitals NHS Trust",
    "LIVERPOOL WOMEN'S NHS FOUNDATION TRUST": "Liverpool Women's NHS Foundation Trust",
    "BARKING, HAVERING AND REDBRIDGE UNIVERSITY HOSPITALS NHS TRUST":
        "Barking, Havering and Redbridge University Hospitals NHS Trust",
    "THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST":
        "The Newcastle upon Tyne Hospitals NHS Foundation Trust",
    "GUY'S AND ST THOMAS' NHS FOUNDATION TRUST": "Guy's and St Thomas' NHS Foundation Trust",
    "THE QUEEN ELIZABETH HOSPITAL, KING'S LYNN, NHS FOUNDATION TRUST":
        "The Queen Elizabeth Hospital, King's Lynn, NHS Foundation Trust",
    "ROYAL BROMPTON & HAREFIELD NHS FOUNDATION TRUST": "Royal Brompton & Harefield NHS Foundation Trust",
    "ISLE OF WIGHT NHS TRUST": "Isle of Wight NHS Trust",
    "2GETHER NHS FOUNDATION TRUST": "2gether NHS Foundation Trust",
    "STAFFORDSHIRE AND STOKE ON TRENT PARTNERSHIP NHS TRUST":
        "Staffordshire and Stoke on Trent Partnership NHS Trust",
    "NEWCASTLE-UNDER-LYME": "Newcastle-under-Lyme",
    "O'BRIEN HOUSE": "O'Brien House",
    "UK HEALTH FOR ALL": "UK Health for All",
    # Mixed-case input (the trust-points file) is normalised the same way.
    "South Tyneside And Sunderland NHS Foundation Trust":
        "South Tyneside and Sunderland NHS Foundation Trust",
    "  THE   CHRISTIE NHS FOUNDATION TRUST ": "The Christie NHS Foundation Trust",
}


@pytest.mark.parametrize("official, readable", sorted(EXPECTED.items()))
def test_expected_forms(official: str, readable: str) -> None:
    assert readable_name(official) == readable


def _etr_names() -> list[str]:
    folder = paths.refdata_dir()
    if not folder.is_dir():
        pytest.skip(f"reference data not found at {folder}")
    names: set[str] = set()
    for file in ("ods-etr-2016.csv", "ods-etr-2025.csv"):
        with open(folder / file, newline="", encoding="utf-8") as handle:
            names.update(row[1] for row in csv.reader(handle))
    return sorted(names)


def test_every_etr_name() -> None:
    """Every official name in both editions converts, changing only letter case."""
    names = _etr_names()
    assert len(names) > 250
    for name in names:
        label = readable_name(name)
        assert label.upper() == " ".join(name.split()).upper(), name
        assert label[0] == label[0].upper(), name
        for word in label.replace("-", " ").split():
            core = word.strip(",&'()")
            if core.isalpha() and core.isupper() and len(core) > 1:
                assert core in UPPER_WORDS, (name, label)
        assert " and " in label or " AND " not in name
        assert "NHS" in label or "NHS" not in name


ASCII_NAME = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789 '-,&().", max_size=60)


@given(ASCII_NAME)
def test_only_case_changes(text: str) -> None:
    assert readable_name(text).upper() == " ".join(text.split()).upper()


@given(ASCII_NAME)
def test_idempotent(text: str) -> None:
    once = readable_name(text)
    assert readable_name(once) == once
