"""Trust-name resolution: from the words an article uses to an ODS code, with reasons.

Articles name trusts informally ("Salford Royal Hospitals Trust", "West Suffolk
Hospitals FT") and by names that later changed ("Luton and Dunstable" is RC9,
whose 2025 name is Bedfordshire Hospitals). One gazetteer answers both: it holds
every official name of every trust in the ODS editions (2016, the 2022 points,
2025) with the dates each name is known to have held, optionally plus the
curated ``skos:altLabel``/``skos:prefLabel`` wording of the graph. A query is
tried as an exact alias, then a normalised name (the usual variants of "NHS",
"FT", "Foundation Trust", "The", "&" and apostrophes removed), then a looser
key ("Hospital(s)" dropped), then fuzzily with rapidfuzz. Look-alikes are kept
apart by refusing to pick: an answer is only given when one trust is clearly
ahead, otherwise the candidates are returned as ``ambiguous`` or ``uncertain``.
The article's date demotes trusts that were not open then and prefers the
name in force, so a renamed trust resolves by the name it had.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, process

from gdegraph.model import iris
from gdegraph.model.names import readable_name
from gdegraph.sources.refdata_files import ETR_2016, ETR_2025, POINTS, ReferenceData

__all__ = ["Candidate", "Gazetteer", "Resolution", "loose_key", "normalise", "parse_date"]

#: When each reference file's names are known to hold (the README: "about early 2016",
#: "the February 2022 list", "about early 2025").
EDITION_DATES = {ETR_2016: date(2016, 1, 1), POINTS: date(2022, 2, 1), ETR_2025: date(2025, 1, 1)}
ACCEPT, MARGIN, LOOKALIKE = 88.0, 6.0, 70.0
_PREFIX_SCORE = 90.0  # a word-prefix match (see Gazetteer._word_prefix): a clear fuzzy match
_LEVELS = {"exact alias": 100.0, "normalised match": 99.0, "loose match": 95.0}
_CLOSED_PENALTY, _OTHER_NAME_PENALTY, _GAP_PENALTY = 25.0, 4.0, 1.0
_SUFFIX = {"trust", "ft", "foundation", "nhsft"}
_WORDS = {"hospitals": "hospital", "saint": "st", "centre": "center"}
_LOOSE_DROP = {"hospital"}


def _fold(text: str) -> str:
    """Accents folded, apostrophes removed, '&' spelt 'and', lower case, single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[’'`´‘]", "", text).replace("&", " and ")
    return " ".join(text.split())


def normalise(name: str) -> str:
    """The comparison key of a trust name: designators and punctuation removed.

    "The Newcastle upon Tyne Hospitals NHS Foundation Trust" and "Newcastle upon
    Tyne Hospitals FT" both give "newcastle upon tyne hospital": the words that
    only say what kind of body it is carry no identity.
    """
    text = re.sub(r"\([^)]*\)", " ", _fold(name))
    tokens = [_WORDS.get(t, t) for t in re.sub(r"[^a-z0-9]+", " ", text).split() if t != "nhs"]
    while tokens and tokens[0] == "the":
        tokens.pop(0)
    while tokens and tokens[-1] in _SUFFIX:
        tokens.pop()
    return " ".join(tokens)


def loose_key(name: str) -> str:
    """:func:`normalise` without 'hospital': "Salford Royal Hospitals" meets "Salford Royal"."""
    return " ".join(t for t in normalise(name).split() if t not in _LOOSE_DROP)


def parse_date(text: str) -> date:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as the first day of that period."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text.strip())
    if not match:
        raise ValueError(f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {text!r}")
    year, month, day = match.groups()
    return date(int(year), int(month or 1), int(day or 1))


@dataclass(frozen=True)
class Name:
    """One name of one trust and the period it is known to have held."""
    code: str | None
    iri: str
    text: str
    origin: str
    start: date | None = None
    end: date | None = None
    note: str = ""
    label: str = ""  # the display name of a trust without a code (its curated skos:prefLabel)


@dataclass(frozen=True)
class Candidate:
    """A trust a query may mean: score (0-100, after date penalties) and why."""
    code: str | None
    iri: str
    name: str
    score: float
    method: str
    matched: str
    origin: str
    notes: tuple[str, ...] = ()
    latest: str = ""

    def explain(self) -> str:
        """One line: code, name (on the date; latest), score, how it matched, what the date says."""
        name = self.name + (f" (latest name: {self.latest})" if self.latest and self.latest != self.name else "")
        why = f"{self.method} on '{self.matched}' ({self.origin})"
        return "; ".join([f"{self.code or '(no ODS code)'}  {name}  score {self.score:.0f}  {why}", *self.notes])


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one name.

    ``status`` is ``resolved`` (exact, normalised or loose match to one trust),
    ``probable`` (a clear fuzzy match), ``uncertain`` (only a weak look-alike),
    ``ambiguous`` (several trusts too close to call) or ``unknown``.
    """
    query: str
    on: date | None
    status: str
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)

    @property
    def best(self) -> Candidate | None:
        """The trust the name means, only when it is resolved or probable."""
        return self.candidates[0] if self.status in ("resolved", "probable") else None

    def explain(self, limit: int = 5) -> str:
        """A few lines for people: the status and the leading candidates."""
        when = f" on {self.on.isoformat()}" if self.on else ""
        lines = [f'"{self.query}"{when}: {self.status}']
        lines += [f"  {c.explain()}" for c in self.candidates[:limit]]
        if not self.candidates:
            lines.append("  no trust in the gazetteer comes close")
        return "\n".join(lines)


class Gazetteer:
    """Every known name of every trust, indexed for exact, normalised and fuzzy lookup."""

    def __init__(self, names: list[Name], spans: dict[str, tuple[date | None, date | None]]) -> None:
        self.names = names
        self.spans = spans  # code -> (opened, closed)
        self._exact: dict[str, list[Name]] = defaultdict(list)
        self._norm: dict[str, list[Name]] = defaultdict(list)
        self._loose: dict[str, list[Name]] = defaultdict(list)
        for n in names:
            self._exact[_fold(n.text)].append(n)
            self._norm[normalise(n.text)].append(n)
            self._loose[loose_key(n.text)].append(n)
        self._keys = sorted(k for k in self._norm if k)
        self._by_stem: dict[tuple[int, str], list[str]] = defaultdict(list)
        for key in self._keys:
            self._by_stem[(len(key.split()), key.split()[0][:4])].append(key)
        self._by_code: dict[str, list[Name]] = defaultdict(list)
        for n in names:
            if n.code is not None and n.origin != "curated":
                self._by_code[n.code].append(n)
        # Articles repeat the same few names and prose tries several starts per name: a
        # resolution depends only on (query, date, limit), so it is computed once.
        self._cache: dict[tuple[str, date | None, int, bool], Resolution] = {}
        self._names_on: dict[tuple[str, date | None], str] = {}

    @classmethod
    def from_reference(cls, ref: ReferenceData, curated: object | None = None) -> "Gazetteer":
        """Names from the ODS editions and points file; ``curated`` (an rdflib Graph) adds
        the graph's trust labels, including trusts that have no ODS code."""
        names: list[Name] = []
        spans: dict[str, tuple[date | None, date | None]] = {}
        codes = {c for f in (ETR_2016, ETR_2025) for c in ref.etr[f]} | set(ref.points)
        for code in sorted(c for c in codes if iris.ODS_TRUST_CODE.fullmatch(c)):
            rows = ref.etr_rows(code)
            opened = min((r.opened for r in rows if r.opened), default=None)
            closed = rows[0].closed if rows else None
            spans[code] = (opened, closed)
            seen: dict[str, tuple[str, str, list[date]]] = {}
            for _, text, origin in ref.official_names(code):
                when = EDITION_DATES[origin]
                when = min(when, closed) if closed else when
                key = normalise(text)
                seen.setdefault(key, (text, origin, []))[2].append(when)
            ordered = sorted(seen.values(), key=lambda v: min(v[2]))
            for i, (text, origin, dates) in enumerate(ordered):
                start = opened if i == 0 else min(dates)
                end = closed if i == len(ordered) - 1 else max(dates)
                names.append(Name(code, iris.trust(code), text, origin, start, end))
        if curated is not None:
            names += _curated_names(curated)
        return cls(names, spans)

    def official_name(self, code: str, on: date | None = None) -> str:
        """The readable official name of ``code`` in force on ``on`` (else the latest)."""
        cached = self._names_on.get((code, on))
        if cached is not None:
            return cached
        own = self._by_code.get(code, [])
        if not own:
            return code
        if on is not None:
            inside = [n for n in own if _holds(n, on)]
            pick = inside[0] if inside else min(own, key=lambda n: _distance(n, on))
        else:
            pick = max(own, key=lambda n: n.end or date.max)
        self._names_on[(code, on)] = name = readable_name(pick.text)
        return name

    def resolve(self, query: str, on: date | None = None, limit: int = 5, fuzzy: bool = True) -> Resolution:
        """Resolve ``query`` as written on date ``on``; never picks among close candidates.
        Without ``fuzzy`` only exact, normalised and loose matches count (for words in prose
        that carry no designator, where a look-alike is more often not a trust at all)."""
        key = (query, on, limit, fuzzy)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._resolve(query, on, limit, fuzzy)
        return cached

    def _resolve(self, query: str, on: date | None, limit: int, fuzzy: bool) -> Resolution:
        found: dict[str, Candidate] = {}
        levels = (("exact alias", self._exact, _fold), ("normalised match", self._norm, normalise),
                  ("loose match", self._loose, loose_key))
        for method, index, key in levels:
            for n in index.get(key(query), []) if key(query) else []:
                self._offer(found, n, _LEVELS[method], method, on)
        strong = sorted(found.values(), key=lambda c: (-c.score, c.code or ""))
        qkey = normalise(query)
        if qkey and fuzzy:
            for key, raw in self._nearest(qkey, 12):
                for n in self._norm[key]:
                    self._offer(found, n, min(float(raw), 94.0), "fuzzy", on)
            for key in self._word_prefix(qkey):
                for n in self._norm[key]:
                    self._offer(found, n, _PREFIX_SCORE, "fuzzy", on)
        weak = sorted((c for c in found.values() if c.method == "fuzzy"),
                      key=lambda c: (-c.score, c.code or ""))
        status = _status(strong, weak)
        strong = [found[c.iri] for c in strong]
        return Resolution(query, on, status, tuple((strong + weak)[:limit]))

    def _word_prefix(self, qkey: str) -> list[str]:
        """Keys whose words are, one by one, the start of the query's words or the other way
        round, with a 4-letter stem at least: "oxfordshire healthcare" meets "oxford health".
        Fuzzy ratios miss this (a longer word costs as much as a wrong one); it is offered at a
        fuzzy score, so look-alikes still make the answer ambiguous."""
        words = qkey.split()
        if not words or len(words[0]) < 4:
            return []
        out = []
        for key in self._by_stem.get((len(words), words[0][:4]), []):
            other = key.split()
            if key != qkey and all(len(a) >= 4 and len(b) >= 4 and (a.startswith(b) or b.startswith(a))
                                   or a == b for a, b in zip(words, other)):
                out.append(key)
        return out

    def _nearest(self, qkey: str, limit: int) -> list[tuple[str, float]]:
        """The ``limit`` keys closest to ``qkey``, best first (ties by key).

        The score is the mean of token-sort (penalises extra words) and token-set (forgives
        word order and missing designators) ratios: a misspelling scores high, a shared place
        name does not. Both are computed for every key in rapidfuzz's C code (``cdist``) and
        blended with numpy, not per pair in Python, which keeps long texts fast."""
        import numpy as np

        if not self._keys:
            return []
        sort = process.cdist([qkey], self._keys, scorer=fuzz.token_sort_ratio, dtype=np.float32)[0]
        tset = process.cdist([qkey], self._keys, scorer=fuzz.token_set_ratio, dtype=np.float32)[0]
        blend = (sort.astype(np.float64) + tset) / 2
        top = np.argpartition(-blend, min(limit, len(blend) - 1))[: limit] if len(blend) > limit \
            else np.arange(len(blend))
        ranked = sorted(((float(blend[i]), self._keys[i]) for i in top), key=lambda t: (-t[0], t[1]))
        return [(k, score) for score, k in ranked]

    def _offer(self, found: dict[str, Candidate], n: Name, score: float, method: str,
               on: date | None) -> None:
        """Keep the best-scoring way each trust matched, after the date's penalties."""
        penalty, notes = self._date_penalty(n, on)
        score -= penalty
        key = n.iri
        if key in found and (found[key].score >= score
                             or (method == "fuzzy" and found[key].method != "fuzzy")):
            return
        name = self.official_name(n.code, on) if n.code else n.label or readable_name(n.text)
        latest = self.official_name(n.code) if n.code else ""
        found[key] = Candidate(n.code, n.iri, name, score, method, n.text, n.origin,
                               (n.note, *notes) if n.note else notes, latest)

    def _date_penalty(self, n: Name, on: date | None) -> tuple[float, tuple[str, ...]]:
        if on is None or n.code is None:
            return 0.0, ()
        opened, closed = self.spans.get(n.code, (None, None))
        if (opened and on < opened) or (closed and on > closed):
            span = f"open {opened or '?'} to {closed or 'now'}"
            return _CLOSED_PENALTY, (f"not open on {on.isoformat()} ({span})",)
        if n.origin == "curated" or _holds(n, on):
            return 0.0, ()
        others = [m for m in self.names
                  if m.code == n.code and m is not n and m.origin != "curated" and _holds(m, on)]
        if others:
            return _OTHER_NAME_PENALTY, (f"not its name on {on.isoformat()} (then: "
                                         f"{readable_name(others[0].text)})",)
        return _GAP_PENALTY, (f"renamed between the editions; this name is attested "
                              f"{n.start or '?'} to {n.end or 'now'}",)


def _holds(n: Name, on: date) -> bool:
    """Whether the name is known to have been the trust's name on ``on``."""
    return (n.start or date.min) <= on <= (n.end or date.max)


def _distance(n: Name, on: date) -> int:
    start, end = n.start or date.min, n.end or date.max
    return 0 if start <= on <= end else min(abs((on - start).days), abs((on - end).days))


def _status(strong: list[Candidate], weak: list[Candidate]) -> str:
    """Exact, normalised and loose matches decide alone, if one trust leads them; fuzzy
    matches only when one is good and clearly ahead of the next."""
    if strong:
        fuzzy = weak[0].score if weak and weak[0].score >= ACCEPT else 0.0
        rival = max(strong[1].score if len(strong) > 1 else 0.0, fuzzy)
        return "resolved" if strong[0].score - rival >= 1.0 else "ambiguous"
    if not weak:
        return "unknown"
    best, second = weak[0].score, (weak[1].score if len(weak) > 1 else 0.0)
    if (best >= ACCEPT and best - second >= MARGIN) or (best >= 80 and best - second >= 15):
        return "probable"
    if best >= ACCEPT or (best >= LOOKALIKE and best - second < MARGIN):
        return "ambiguous"
    return "uncertain" if best >= LOOKALIKE else "unknown"


def _curated_names(graph: object) -> list[Name]:
    """skos:prefLabel / skos:altLabel of every trust IRI in a curated graph."""
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    prefix = iris.ID + "trust/"
    note_prop = URIRef(iris.term("identityNote"))
    out: list[Name] = []
    for prop in (SKOS.prefLabel, SKOS.altLabel):
        for s, label in graph.subject_objects(prop):  # type: ignore[attr-defined]
            if not str(s).startswith(prefix):
                continue
            key = str(s)[len(prefix):]
            code = key if iris.ODS_TRUST_CODE.fullmatch(key) else None
            note = "" if code else "no code in reference data" + (
                f": {graph.value(s, note_prop)}" if graph.value(s, note_prop) else "")  # type: ignore[attr-defined]
            pref = graph.value(s, SKOS.prefLabel)  # type: ignore[attr-defined]
            out.append(Name(code, str(s), str(label), "curated", note=note, label=str(pref or "")))
    return out
