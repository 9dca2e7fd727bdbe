"""Trusts named without a designator: short names, article aliases and initialisms.

Once an article has named "Blackpool Teaching Hospitals NHS Foundation Trust" it
goes on with "Blackpool Teaching Hospitals" or just "Blackpool"; an announcement
lists "South Central, West Midlands and North East" after the ambulance trusts'
full names; and trusts are known by initialisms ("SLaM", "NTW", "UHB", "RLBUH").
None of these is a hand list. Three rules derive them from the names:

* a capitalised run that the gazetteer resolves by exact, normalised or loose
  match (never fuzzily: in prose, a loose look-alike is more often a company or
  a place) is a trust;
* an *article alias* is the part of a trust's name before its first "kind" word,
  for trusts the article names in full: "Blackpool" (before "Teaching"), "South
  Central" (before "Ambulance"), "Royal Liverpool and Broadgreen" (before
  "University"). Kind words are found from the reference data, as words that
  many trust names share but few begin with ("Hospitals", "Ambulance",
  "Healthcare"; not "North" or "Royal"). A one-word alias must be a word at most
  three trusts' names contain ("Blackpool", not "North"); an alias two trusts of the
  article share is dropped;
* an *initialism* is the first letters of a name's words, with or without its
  joining words ("South London and Maudsley": SLM or SLaM; case is ignored), made
  for every trust; it counts when the article's trusts, else the whole reference
  data, give it to exactly one trust.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date

from gdegraph.sources.gazetteer import Candidate, Gazetteer, Resolution

__all__ = ["ArticleNames", "NameIndex", "ShortMention", "initialisms"]

_JOIN = {"and", "of", "upon", "on", "the", "&", "for", "in"}
_DESIGNATORS = {"nhs", "foundation", "trust", "ft"}
_WORD = r"[A-Z](?:[\w’'-]|\.(?=\w))*"  # a capitalised word; a full stop only inside ("St.John")
_RUN = re.compile(r"(?:" + _WORD + r"|&)(?:(?:\s+|,\s*)(?:(?:and|of|upon|on|the|&|for)\s+)*" + _WORD + r")*")
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]{1,6}\b")
_MAX_WORDS = 8


@dataclass(frozen=True)
class ShortMention:
    """A trust named without a designator: text, offsets in the sentence, resolution."""
    text: str
    start: int
    end: int
    resolution: Resolution


def _words(name: str) -> list[str]:
    return re.findall(r"[A-Za-z’'&]+", name)


def initialisms(name: str) -> set[str]:
    """"South London and Maudsley NHS Foundation Trust" -> {"slm", "slam"}."""
    words = [w for w in _words(name) if w.lower() not in _DESIGNATORS]
    while words and words[0].lower() == "the":
        words.pop(0)
    content = "".join(w[0] for w in words if w.lower() not in _JOIN).lower()
    full = "".join(w[0] for w in words if w != "&").lower()
    return {a for a in (content, full) if len(a) >= 3}


class NameIndex:
    """The kind words and initialisms of a gazetteer (built once per gazetteer)."""

    _built: dict[int, "NameIndex"] = {}

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        per_trust: dict[str, list[str]] = defaultdict(list)
        for n in gazetteer.names:
            per_trust[n.iri].append(n.text)
        share, first = Counter(), Counter()
        for texts in per_trust.values():
            words = {w.lower() for t in texts for w in _words(t)}
            share.update(words)
            first.update({_words(t)[0].lower() for t in texts if _words(t)})
        floor = max(3, len(per_trust) // 30)
        self.kind = {w for w, n in share.items() if n >= floor and first[w] < n / 2} - _JOIN
        self.share = share
        self.initials: dict[str, set[str]] = defaultdict(set)
        self.names_of: dict[str, str] = {}
        for iri, texts in per_trust.items():
            for text in texts:
                for a in initialisms(text):
                    self.initials[a].add(iri)
            self.names_of[iri] = texts[-1]

    @classmethod
    def of(cls, gazetteer: Gazetteer) -> "NameIndex":
        index = cls._built.get(id(gazetteer))
        if index is None or index.gazetteer is not gazetteer:
            index = cls._built[id(gazetteer)] = cls(gazetteer)
        return index

    def alias(self, name: str) -> str | None:
        """The part of ``name`` before its first kind word (at least one word that is not
        itself a kind or shared word), or None."""
        words = _words(re.sub(r"\([^)]*\)", " ", name))
        while words and words[0].lower() == "the":
            words.pop(0)
        for i, word in enumerate(words[1:], start=1):
            if word.lower() in self.kind or word.lower() in _DESIGNATORS:
                head = words[:i]
                while head and head[-1].lower() in _JOIN:
                    head.pop()
                # one word must be nearly a name by itself ("Blackpool"), not "North" or "Royal"
                if head and not (len(head) == 1 and self.share[head[0].lower()] > 3):
                    return " ".join(head)
                return None
        return None


class ArticleNames:
    """Short forms of the trusts one article names in full, and the lookups that use them."""

    def __init__(self, index: NameIndex, on: date | None) -> None:
        self.index, self.on = index, on
        self.aliases: dict[str, set[str]] = defaultdict(set)
        self.local_initials: dict[str, set[str]] = defaultdict(set)
        self.best: dict[str, Candidate] = {}

    def add(self, iri: str, wording: str, candidate: Candidate | None) -> None:
        """Learn the short forms of a trust the article has named."""
        if candidate is None:
            return
        self.best.setdefault(iri, candidate)
        for text in (wording, candidate.name):
            alias = self.index.alias(text)
            if alias:
                self.aliases[alias.lower()].add(iri)
            for a in initialisms(text):
                self.local_initials[a].add(iri)

    def _found(self, iri: str, text: str, method: str, candidate: Candidate | None = None) -> Resolution:
        cand = candidate or self.best[iri]
        return Resolution(text, self.on, "resolved", (replace(cand, method=method, matched=text, score=96.0),))

    def lookup(self, text: str) -> Resolution | None:
        """A trust for a short form, or None (strict: exact/normalised/loose or an alias)."""
        owners = self.aliases.get(text.lower())
        if owners and len(owners) == 1:
            return self._found(next(iter(owners)), text, "article alias")
        if len(_words(text)) < 2:
            return None
        res = self.index.gazetteer.resolve(text, self.on, fuzzy=False)
        return res if res.best is not None else None

    def initialism(self, token: str) -> Resolution | None:
        """A trust for an initialism such as "SLaM" (the article's trusts first)."""
        key = token.lower()
        if len(key) < 3 or key in _DESIGNATORS:
            return None
        local = self.local_initials.get(key, set())
        if len(local) == 1:
            return self._found(next(iter(local)), token, "initialism")
        if local:
            return None
        owners = self.index.initials.get(key, set())
        if len(owners) != 1:
            return None
        iri = next(iter(owners))
        res = self.index.gazetteer.resolve(self.index.names_of[iri], self.on, fuzzy=False)
        if res.best is None or res.best.iri != iri:
            return None
        return self._found(iri, token, "initialism (reference data)", res.best)

    def find(self, text: str, taken: list[tuple[int, int]]) -> list[ShortMention]:
        """Short-form trust mentions in a sentence, outside the ``taken`` spans."""
        def free(a: int, b: int) -> bool:
            return all(b <= s or a >= e for s, e in taken)

        out: list[ShortMention] = []
        for run in _RUN.finditer(text):
            tokens = list(re.finditer(_WORD, run.group()))[:_MAX_WORDS]
            i = 0
            while i < len(tokens):
                hit = None
                for j in range(len(tokens) - 1, i - 1, -1):  # longest first
                    a, b = run.start() + tokens[i].start(), run.start() + tokens[j].end()
                    if not free(a, b):
                        continue
                    piece = text[a:b]
                    res = self.lookup(piece) if (j > i or tokens[i].group().istitle()) else None
                    if res is None and i == j and sum(c.isupper() for c in piece) >= 2:
                        res = self.initialism(piece)
                    if res is not None:
                        hit = (j, ShortMention(piece, a, b, res))
                        break
                if hit is None:
                    i += 1
                    continue
                out.append(hit[1])
                taken = [*taken, (hit[1].start, hit[1].end)]
                i = hit[0] + 1
        return out
