"""Readable forms of official organisation names.

NHS ODS publishes names in capitals ("ROYAL LIVERPOOL AND BROADGREEN
UNIVERSITY HOSPITALS NHS TRUST"). The graph keeps that text verbatim on a
name record, and uses the title-cased form built here for labels, so a reader
sees "Royal Liverpool and Broadgreen University Hospitals NHS Trust". The rules
are deliberately few and predictable (no dictionary of place names), so the
same official name always gives the same label:

* acronyms in :data:`UPPER_WORDS` stay in capitals (NHS, UK, ...);
* the short joining words in :data:`SMALL_WORDS` are lower case except as the
  first word of the name ("The Newcastle upon Tyne Hospitals");
* every other word is capitalised, with punctuation kept: apostrophes
  ("Women's", "Thomas'"), hyphens ("Newcastle-under-Lyme"), commas, "&";
* one-letter prefixes before an apostrophe are capitalised ("O'Brien").
  Mc/Mac names are not treated specially.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["SMALL_WORDS", "UPPER_WORDS", "readable_name"]

#: Acronyms that stay in capitals.
UPPER_WORDS = frozenset({"NHS", "NHSX", "UK", "GP", "HIV", "ICT", "IT", "UCL", "CIC"})

#: Joining words written in lower case unless they start the name.
SMALL_WORDS = frozenset({"and", "of", "upon", "the", "for", "in", "on", "at", "under", "by", "to"})

# A token is: leading punctuation, the word (letters, digits, apostrophes,
# dots), trailing punctuation. Apostrophes stay in the word ("THOMAS'").
_TOKEN = re.compile(r"^([^A-Za-z0-9']*)(.*?)([^A-Za-z0-9'.]*)$")
_O_PREFIX = re.compile(r"^([A-Za-z])'([a-z])")


def _word(part: str, first: bool) -> str:
    """Case one hyphen-free word; ``first`` is true for the first word of the name."""
    if not part:
        return part
    if part.upper() in UPPER_WORDS:
        return part.upper()
    lower = part.lower()
    if lower in SMALL_WORDS and not first:
        return lower
    cased = lower[:1].upper() + lower[1:]
    # "O'BRIEN" -> "O'Brien"; "WOMEN'S" is untouched (more than one letter before ').
    return _O_PREFIX.sub(lambda m: f"{m.group(1).upper()}'{m.group(2).upper()}", cased, count=1)


@lru_cache(maxsize=1 << 16)  # the network asks for each trust's name up to three times
def readable_name(official: str) -> str:
    """Title-case an official (upper-case) organisation name for use as a label.

    Whitespace is collapsed to single spaces; nothing else is added or
    removed, so the result differs from the input only in letter case.
    Mixed-case input is accepted and normalised the same way
    ("South Tyneside And Sunderland" -> "South Tyneside and Sunderland").
    """
    out: list[str] = []
    for index, token in enumerate(official.split()):
        match = _TOKEN.match(token)
        assert match is not None  # the pattern matches any string
        lead, core, trail = match.groups()
        parts = core.split("-")
        cased = [_word(p, first=(index == 0 and i == 0)) for i, p in enumerate(parts)]
        out.append(lead + "-".join(cased) + trail)
    return " ".join(out)
