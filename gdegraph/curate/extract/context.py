"""Which programme, wave, tier and role a list, table or sentence is about.

Announcements introduce their lists in a few recurring ways: "The six proposed
fast follower mental health trusts", "The 7 trusts receiving up to £6m are:",
"List of Acute Global Digital Exemplars and Fast Followers". The words of that
lead-in (and, failing them, of the whole article) give the programme (Global
Digital Exemplar or Digital Aspirant), the role (exemplar, fast follower,
Digital Aspirant, seed-funded trust), the sector, the wave number and how firm
the news is (proposed or announced). Keys follow the graph's IRI scheme for the
programme structure; a derived tier that the graph does not describe is dropped
rather than invented, and the report says so.
"""

from __future__ import annotations

import re
from functools import lru_cache

from gdegraph.model import iris
from gdegraph.curate.extract.model import Context

__all__ = ["GDE", "DA", "NUMBER_WORDS", "ROLE_WORD", "STATUS_WORDS", "ROLE_EXEMPLAR", "ROLE_FOLLOWER", "ROLE_ASPIRANT", "ROLE_SEED", "ROLE_PARTNER",
           "amount_slug", "article_programme", "count_in", "make_context", "sector_in", "status_in",
           "wave_number_in", "wave_of_tier"]

GDE, DA = "global-digital-exemplar", "digital-aspirant"
ROLE_EXEMPLAR, ROLE_FOLLOWER = "role-global-digital-exemplar", "role-fast-follower"
ROLE_ASPIRANT, ROLE_SEED, ROLE_PARTNER = "role-digital-aspirant", "role-seed-funded", "role-collaboration-partner"

_UNITS = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen " \
         "sixteen seventeen eighteen nineteen".split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
NUMBER_WORDS = {w: i for i, w in enumerate(_UNITS, 1)} | _TENS
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
_COUNT = re.compile(r"(?<![£\d.,])\b(\d{1,3}|(?:" + "|".join(_TENS) + r")(?:-(?:" + "|".join(_UNITS[:9])
                    + r"))?|" + "|".join(_UNITS) + r")\b(?=(?:\s+[^\s.;:]+){0,5}?\s+(?:trusts|organisations|"
                    r"providers|followers|exemplars|aspirants)\b)", re.I)
_WAVE = re.compile(r"\b(" + "|".join(_ORDINALS) + r") wave\b|\bwave (\d+|one|two|three|four|five)\b", re.I)


def count_in(text: str) -> int | None:
    """The number of trusts a lead-in announces ("The six proposed ... trusts" -> 6)."""
    match = _COUNT.search(text)
    if not match:
        return None
    word = match.group(1).lower()
    if word.isdigit():
        return int(word)
    tens, _, unit = word.partition("-")
    return NUMBER_WORDS.get(tens, 0) + (NUMBER_WORDS.get(unit, 0) if unit else 0) or None


def wave_number_in(text: str) -> int | None:
    """"second wave" or "wave 2" -> 2."""
    match = _WAVE.search(text)
    if not match:
        return None
    word = (match.group(1) or match.group(2)).lower()
    return _ORDINALS.get(word) or NUMBER_WORDS.get(word) or (int(word) if word.isdigit() else None)


def sector_in(text: str) -> str | None:
    """The care sector a text names: ambulance, mental health, acute (hospital), community."""
    lower = text.lower()
    if re.search(r"\bambulance\b", lower):
        return "ambulance"
    if "mental health" in lower or "mental-health" in lower:
        return "mental-health"
    if re.search(r"\b(acute|hospitals?)\b", lower):
        return "acute"
    if re.search(r"\bcommunity\b", lower):
        return "community"
    return None


#: Status words, most decisive first: a pairing "dropped as a proposed fast follower" is
#: withdrawn, not proposed; "formally confirmed" after "selected" is confirmed.
STATUS_WORDS = (
    ("withdrawn", re.compile(r"\b(?:dropped|withdr[ae]wn?|withdrawing|pulled out|removed|no longer|"
                             r"(?:has|have|had) lost|losing|lose)\b", re.I)),
    ("confirmed", re.compile(r"\b(?:formally|officially|now|finally)\s+(?:been\s+)?(?:confirmed|approved|"
                             r"designated)\b|\b(?:been|were|was|are|is)\s+confirmed\s+as\b|\bconfirmed\s+as\b",
                             re.I)),
    ("proposed", re.compile(r"\bpropos|\blined up\b|due diligence|\bshortlist|\bin line for\b|\bsubject to\b"
                            r"[^.;]{0,60}\bapprovals?\b|\bawaiting\b[^.;]{0,30}\bconfirmation\b|\bpotential\b|"
                            r"\bprovisional", re.I)),
)


def status_in(text: str) -> str:
    """The status the words give news: withdrawn, confirmed, proposed, else announced."""
    for status, pattern in STATUS_WORDS:
        if pattern.search(text):
            return status
    return "announced"


@lru_cache(maxsize=64)
def article_programme(text: str) -> str:
    """The programme an article is mostly about, by how often each is named."""
    aspirant = len(re.findall(r"digital aspirant", text, re.I))
    exemplar = len(re.findall(r"exemplar|fast.follower|\bGDEs?\b", text, re.I))
    return DA if aspirant > exemplar else GDE


def amount_slug(phrase: str) -> str:
    """Tier key part for a funding phrase: "seed funding of £250,000" -> "seed-funding",
    "up to £6m" -> "up-to-6m"."""
    if re.search(r"\bseed\b", phrase, re.I):
        return "seed-funding"
    match = re.search(r"(up to |more than |at least )?£\s?([\d.,]+)\s?(m|million|k|bn|billion)?", phrase, re.I)
    if not match:
        return ""
    qual, number, unit = match.groups()
    unit = {"million": "m", "billion": "bn"}.get((unit or "").lower(), (unit or "").lower())
    return iris.slugify(f"{qual or ''}{number.replace(',', '')}{unit}")


def wave_of_tier(tier: str) -> str | None:
    """The wave a tier key belongs to, by the tier naming scheme of the graph."""
    match = re.match(r"(digital-aspirants-wave-\d+)-", tier)
    if match:
        return match.group(1)
    if tier.startswith("gde-"):
        return "gde-fast-followers" if tier.endswith("fast-followers") else "gde-exemplars"
    return None


ROLE_WORD = re.compile(r"aspirant|exemplar|follower|GDE", re.I)


def make_context(lead: str, article_text: str, known: frozenset[str], role: str | None = None,
                 funding: str = "", topic: str = "") -> Context:
    """The context of a list or table from its lead-in; ``role`` overrides the words (a table
    column), ``funding`` is the funding phrase the list was matched with (Digital Aspirants).

    ``topic`` is the nearest heading or earlier line that names a role ("The seven mental
    health global digital exemplars have been announced"): a lead-in that names none ("the
    trusts chosen are:") takes its role, sector and count from it, as a reader does."""
    if topic and not ROLE_WORD.search(lead):
        lead = f"{lead} {topic}"
    programme = article_programme(lead) if ROLE_WORD.search(lead) else article_programme(article_text)
    sector = sector_in(lead)
    status = status_in(lead)
    count = count_in(lead)
    if programme == GDE:
        if role is None:
            role = ROLE_FOLLOWER if re.search(r"follower", lead, re.I) or not re.search(
                r"exemplar|GDE", lead) else ROLE_EXEMPLAR
        wave = "gde-fast-followers" if role == ROLE_FOLLOWER else "gde-exemplars"
        kind = "fast-followers" if role == ROLE_FOLLOWER else "exemplars"
        tier = f"gde-{sector}-{kind}" if sector else None
    else:
        number = wave_number_in(lead) or wave_number_in(article_text[:400]) or 1
        wave = f"digital-aspirants-wave-{number}"
        slug = amount_slug(funding or lead)
        tier = f"{wave}-{slug}" if slug else None
        if role is None:
            role = ROLE_SEED if slug == "seed-funding" else ROLE_ASPIRANT
    if tier and known and iris.instance("tier", tier) not in known:
        tier = None
    return Context(programme, wave, tier, role, sector, status, count, lead)
