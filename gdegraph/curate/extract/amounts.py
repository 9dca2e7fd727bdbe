"""Sums of money and correction notes in announcement prose.

A sum is read with the words that change its meaning: "up to £10m" is a
maximum, "more than £100m" a minimum, "£3-6m" a range; "£250,000 each", "they
will each receive" and "Seven trusts will receive up to £6m" give every
recipient the sum, while "share", "split" and "between them" divide it. The
nearest other sum bounds each window, so in "£21m, or £3m each" only the £3m is
per trust. Who receives it is read from the clause (mental-health or acute fast
followers, a Digital Aspirant tier, the programme), falling back to the
sentence before ("These will each receive ..."). A note such as "This story
was amended on 11 September after ..." becomes a correction, dated with the
article's year, about the sums and trusts it names.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from gdegraph.model import iris
from gdegraph.curate.extract.article import Sentence, day_month
from gdegraph.curate.extract.context import DA, GDE, NUMBER_WORDS, amount_slug, wave_number_in
from gdegraph.curate.extract.model import AmountFinding, Context, CorrectionFinding, Extraction, Issue

__all__ = ["CORRECTION", "read_amounts", "read_corrections"]

_AMOUNT = re.compile(
    r"(?P<qual>\b(?:up to|more than|over|at least|in excess of|less than|under|almost|nearly|some|around|"
    r"about|approximately)\s+)?£\s?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s?(?:-|–|to)\s?£?(?P<num2>\d+(?:\.\d+)?))?(?:\s?(?P<unit>bn|billion|m|million|k|thousand)\b)?", re.I)
_UNIT = {"bn": 10**9, "billion": 10**9, "m": 10**6, "million": 10**6, "k": 10**3, "thousand": 10**3}
_QUALIFIER = {"up to": "maximum", "less than": "maximum", "under": "maximum", "almost": "maximum",
              "nearly": "maximum", "more than": "minimum", "over": "minimum", "at least": "minimum",
              "in excess of": "minimum"}
_EACH_AFTER = re.compile(r"^[^£]{0,40}?\b(?:each|apiece|per (?:trust|organisation|recipient))\b", re.I)
_EACH_BEFORE = re.compile(r"\beach\b[^£]{0,40}$", re.I)
_SHARE = re.compile(r"\b(?:share|shared|sharing|split|between them)\b", re.I)
_TOTAL = re.compile(r"\b(?:in total|total of|pot|combined|total(?: \w+)? (?:to|of)|the total)\b", re.I)
_PORTION = re.compile(r"\b(?:portion|share|part|proportion|slice|fraction|some) of (?:the\s+|a\s+)?$", re.I)
_COMPARED = re.compile(r"\b(?:compar\w*\s+(?:to|with)|half|twice|double|a third|against)\b", re.I)
_TOTAL_UP_TO = re.compile(r"\btotal\b[^£]{0,40}$", re.I)
_BETWEEN = re.compile(r"\bbetween\s+$", re.I)
#: The largest sum the programmes' announcements give one trust (up to £10m per exemplar): an
#: unmarked sum for a group at or below it reads as per recipient, above it as a total. A prior,
#: not a rule of grammar, so every sum read this way is flagged for review.
PER_RECIPIENT_CEILING = Decimal(10_000_000)
_COUNT_RECEIVE = re.compile(r"\b(?:\d{1,3}|" + "|".join(NUMBER_WORDS) + r")(?:-\w+)?\s+(?:[\w“”\"]+\s+){0,4}?"
                            r"(?:trusts|organisations|providers)\b[^.;£]{0,40}?\b(?:receiving|receive|get|be "
                            r"given|be awarded)\b[^£]{0,30}$", re.I)
_CORRECT_VALUE = re.compile(r"\b(?:the (?:correct|actual|right) (?:figure|total|amount|sum)|the (?:figure|total|"
                            r"amount|sum) is|is in fact|is actually|should (?:have )?(?:be|been|read))\b[^£]*$", re.I)
_RESTATED = re.compile(r"^[\s,;(]*(?:or|i\.e\.|that is|so)?[\s,]*$", re.I)
CORRECTION = re.compile(r"\b(?:this|the) (?:story|article|piece|report|page) (?:was|has been|had been) "
                        r"(?:amended|modified|corrected|updated|changed|clarified)\b|^\s*(?:correction|"
                        r"clarification)\s*[:–-]", re.I)


def _value(number: str, unit: str | None) -> Decimal:
    return Decimal(number.replace(",", "")) * _UNIT.get((unit or "").lower(), 1)


_ROLE = re.compile(r"national exemplar|fast.followers?|followers?|second wave|\b(?:GDE|exemplar)s?\s+programme\b|"
                   r"exemplars?|\bGDEs?\b|\bprogramme\b", re.I)


def _recipient(windows: list[str], programme: str, known: frozenset[str],
               article_wave: int | None = None) -> tuple[str, str] | None:
    """(kind, key) of who receives a sum. The windows are the words before the sum, its clause,
    its sentence and the sentences before; the first naming a role (fast followers, exemplars,
    the programme) decides it, and the sector is the one named by the windows up to that one,
    so "the mental health trusts will get £21m" in a sentence about fast followers gives the
    mental-health fast followers, and a window naming both sectors gives the whole wave."""
    if programme == DA:
        numbers = [wave_number_in(w) for w in windows]
        number = next((n for n in numbers if n), None)
        if number is None and any(re.search(r"\bprogramme\b", w) for w in windows):
            return ("programme", DA)
        number = number or article_wave
        if number is None:
            return None
        wave = f"digital-aspirants-wave-{number}"
        slug = amount_slug(windows[1]) if len(windows) > 1 else ""
        tier = f"{wave}-{slug}"
        return ("tier", tier) if slug and iris.instance("tier", tier) in known else ("wave", wave)
    found = next(((i, m.group().lower()) for i, w in enumerate(windows) if (m := _ROLE.search(w))), None)
    if found is None:
        return None
    index, role = found
    if "national" in role:
        return ("wave", "national-exemplars")
    if "follower" in role or "wave" in role:
        sector = next((s for s in map(_one_sector, windows[: index + 1]) if s), None)
        tier = f"gde-{sector}-fast-followers" if sector and sector != "both" else ""
        return ("tier", tier) if tier and (not known or iris.instance("tier", tier) in known) \
            else ("wave", "gde-fast-followers")
    return ("programme", GDE) if "programme" in role else ("wave", "gde-exemplars")


def _one_sector(words: str) -> str | None:
    """'mental-health', 'acute', 'both' or None, by what the words name."""
    lower = words.lower()
    mental = "mental health" in lower
    acute = bool(re.search(r"\bacute\b|\bhospitals?\b", lower))
    return ("both" if acute else "mental-health") if mental else "acute" if acute else None


def _funding_type(clause: str, after: str, sentence: str, allocation: str) -> str:
    if re.search(r"\bseed\b", clause, re.I):
        return "seed"
    if re.search(r"\bTreasury\b", clause):
        return "treasury-settlement"
    central = re.search(r"^\s*(?:of\s+)?(?:central|national|capital)\b", after, re.I) or \
        re.search(r"\b(?:central|national) (?:funding|investment)\b", clause, re.I)
    matched = re.search(r"\bmatch(?:ed)?\b|raised locally|locally", sentence, re.I)
    if matched and not central and allocation == "total":
        return "central-and-match"
    return "central" if central or matched else "unspecified"


def _allocation(before: str, after: str, amount: Decimal, named: bool, previous: str | None) -> tuple[str, str]:
    """(allocation, why if it is a guess) of a sum from the words around it, most specific first:
    "a portion of" (total), "each" (per recipient), "share" (shared when named trusts share it,
    else the group's total), "in total", "N trusts will receive", a comparison with the sum
    before ("this compares to", "half of": read alike), and last the size of the sum."""
    if _PORTION.search(before):
        return "total", ""
    if _EACH_AFTER.search(after) or _EACH_BEFORE.search(before):
        return "per-recipient", ""
    if _SHARE.search(before[-60:]) or _SHARE.search(after[:40]):
        return ("shared", "") if named else ("total", "")
    if _TOTAL.search(before[-60:]) or _TOTAL.search(after[:40]):
        return "total", ""
    if _COUNT_RECEIVE.search(before):
        return "per-recipient", ""
    if previous is not None and _COMPARED.search(before[-60:]):
        return previous, f"compared with the sum before: read as {previous}, like it"
    if amount <= PER_RECIPIENT_CEILING:
        return "per-recipient", "nothing says 'each' or 'total': read as per recipient by its size"
    return "total", "nothing says 'each' or 'total': read as a total by its size"


def read_amounts(ex: Extraction, sentences: list[Sentence], known: frozenset[str], programme: str,
                 leads: list[tuple[int, str]], wave: int | None = None) -> None:
    """Every £ sum of the body sentences, with its qualifier, allocation, type and recipient;
    ``leads`` are the lead-ins of the article's lists (line, text), ``wave`` the wave number
    the article announces, used when a sentence about money names none."""
    history: list[str] = []
    wordings = sorted({r.wording for refs in ex.trusts.values() for r in refs if len(r.wording) > 3})
    for sentence in sentences:
        text = sentence.text
        matches = list(_AMOUNT.finditer(text))
        last: tuple[str, str] | None = None
        for k, match in enumerate(matches):
            prev_end = matches[k - 1].end() if k else 0
            next_start = matches[k + 1].start() if k + 1 < len(matches) else len(text)
            before, after = text[prev_end: match.start()], text[match.end(): next_start]
            qual = (match.group("qual") or "").strip().lower()
            if k + 1 < len(matches) and _BETWEEN.search(before) and re.fullmatch(r"\s*and\s*", after):
                continue  # "between £2.5m and £4m": read with the upper end
            amount = _value(match.group("num2") or match.group("num"), match.group("unit"))
            minimum = _value(match.group("num"), match.group("unit")) if match.group("num2") else None
            if k and _BETWEEN.search(text[:matches[k - 1].start()]) and re.fullmatch(r"\s*and\s*", before):
                low = matches[k - 1]
                minimum = _value(low.group("num2") or low.group("num"), low.group("unit") or match.group("unit"))
                before = text[(matches[k - 2].end() if k > 1 else 0): low.start()]
            qualifier = "range" if minimum is not None else _QUALIFIER.get(qual, "exact")
            if qual == "up to" and _TOTAL_UP_TO.search(before):
                qualifier = "exact"  # "bring the total investment up to £280m": the idiom, not a cap
            named = any(w in before for w in wordings)
            allocation, why = _allocation(before, after, amount, named, ex.amounts[-1].allocation
                                          if ex.amounts and ex.amounts[-1].line >= sentence.line - 2 else None)
            clause = before + match.group() + after
            own = before[-60:] + match.group() + after[:25]
            if last is not None and _RESTATED.match(before):
                recipient: tuple[str, str] | None = last
            else:
                recipient = _recipient([before, own, clause, text, *history[-1:]], programme, known, wave)
            notes = []
            if recipient is None:
                lead = _nearest(leads, sentence.line)
                recipient = _recipient([lead], programme, known, wave) if lead else None
                if recipient is None:
                    recipient = ("programme", programme)
                notes.append(f"the recipient is not stated near the sum: {recipient[0]} {recipient[1]} "
                             "is assumed")
            if why:
                notes.append(why)
            if qual in ("some", "around", "about", "approximately"):
                notes.append(f"approximate ('{qual}')")
            ctx = Context("national-exemplars" if recipient[1] == "national-exemplars" else programme,
                          "", None, "", None)
            ex.amounts.append(AmountFinding(
                amount, minimum, qualifier, allocation, _funding_type(own, after, text, allocation),
                recipient, ctx, text, sentence.line, match.group().strip(), notes=notes))
            last = recipient
        history.append(text)


def _nearest(leads: list[tuple[int, str]], line: int) -> str:
    """The lead-in of the list or table nearest before ``line`` (else after), as a last clue to
    whom a sum goes: prose about money usually concerns the list it comes with."""
    before = [text for n, text in leads if n <= line]
    after = [text for n, text in leads if n > line]
    return before[-1] if before else after[0] if after else ""


def read_corrections(ex: Extraction, sentences: list[Sentence], article_date: date | None) -> None:
    """Amendment notes: their date and the sums and trusts they are about."""
    for sentence in sentences:
        if not CORRECTION.search(sentence.text):
            continue
        found = day_month(sentence.text)
        iso, notes = None, []
        if found:
            day, month, year = found
            if year is None and article_date is not None:
                year = article_date.year
                if date(year, month, day) < article_date.replace(day=1) and article_date.month == 12:
                    year += 1
            if year is None:
                notes.append("the note gives no year and the article date is unknown")
            else:
                iso = date(year, month, day).isoformat()
        correction = CorrectionFinding(iso, sentence.text, sentence.line, notes=notes)
        for amount in ex.amounts:
            if amount.line == sentence.line and amount.quote == sentence.text:
                head = sentence.text[: sentence.text.find(amount.text)]
                if not _CORRECT_VALUE.search(head[-40:]):
                    amount.status = "corrected"
                    correction.amounts.append(amount)
        for refs in ex.trusts.values():
            named = [ref for ref in refs if ref.wording in sentence.text]
            correction.trusts.extend(named[:1])
        ex.corrections.append(correction)
        if iso is None:
            ex.issues.append(Issue(sentence.line, sentence.text, "correction note without a full date"))
