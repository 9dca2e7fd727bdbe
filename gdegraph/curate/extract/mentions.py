"""Finding trust names in text and turning them into trust references.

In a list item or a table cell the whole text is a name, so it is resolved as
it stands. In running prose a name has no marked edges; what marks it is the
designator it ends with ("NHS Foundation Trust", "FT", "Trust"), so each
designator is a candidate end and the words before it (capitalised words and the
joining words of names: "and", "of", "upon", "&", commas) are candidate starts.
The start whose name resolves best is kept: "GDE, Royal Liverpool and
Broadgreen University Hospitals NHS Trust" yields the trust, not "GDE, Royal ...".
A name that resolves to nothing is only given an IRI of its own (a slug, as the
curated data does for trusts without an ODS code) where the structure of the
text says it is a trust and no existing trust looks like it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from gdegraph.model import iris
from gdegraph.sources.gazetteer import Gazetteer, Resolution
from gdegraph.curate.extract.model import Issue, TrustRef

__all__ = ["Mention", "clean_name", "core_name", "find_mentions", "looks_like_trust", "reference"]

DESIGNATOR = re.compile(r"(?<![A-Za-z])(?:NHS Foundation Trust|Foundation Trust|NHS Trust|NHS FT|FT|Trust)"
                        r"(?![A-Za-z’'])")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9’'.\-]*|&|,")
_JOINERS = {"and", "of", "upon", "on", "&", ",", "for"}
_TRAILING = re.compile(r"^(?:the\s+)|\s*(?:\b(?:nhs\s+)?(?:foundation\s+)?trust|\bnhs\s+ft|\bft|\bnhs)\s*$", re.I)


@dataclass(frozen=True)
class Mention:
    """A name found in prose: its text, absolute offsets, line and resolution."""
    text: str
    start: int
    end: int
    line: int
    resolution: Resolution


def clean_name(text: str) -> str:
    """A list item or cell as a name: parenthetical remarks and trailing punctuation removed."""
    text = re.sub(r"\([^)]*\)?", " ", text)
    return " ".join(text.split()).strip(" .,;:–-")


def looks_like_trust(text: str) -> bool:
    """Whether a name carries a trust designator ("... NHS Trust", "... FT")."""
    return bool(DESIGNATOR.search(text))


def core_name(name: str) -> str:
    """The name without leading 'The' and trailing designators, for a minted slug."""
    previous = None
    while previous != name:
        previous, name = name, _TRAILING.sub("", name).strip(" ,")
    return name


def reference(resolution: Resolution, wording: str, line: int, issues: list[Issue],
              mint: bool = False) -> TrustRef | None:
    """A TrustRef for a resolved name; with ``mint``, an unknown trust-like name gets a slug
    IRI (reported); anything else is reported with its candidates and yields None."""
    best = resolution.best
    if best is not None:
        if resolution.status == "probable" or any(n.startswith("not open") for n in best.notes):
            issues.append(Issue(line, wording, f"{resolution.status}, check: {best.explain()}"))
        return TrustRef(best.iri, best.code, wording, line, resolution)
    if mint and resolution.status == "unknown" and looks_like_trust(wording) and core_name(wording):
        slug = iris.slugify(core_name(wording))
        near = f"; nearest: {resolution.candidates[0].explain()}" if resolution.candidates else ""
        issues.append(Issue(line, wording, f"no code in reference data: minted trust/{slug} "
                            f"(a care trust, a new trust or a misspelling?){near}"))
        return TrustRef(iris.trust(slug), None, wording, line, resolution, minted=True)
    shown = "; ".join(c.explain() for c in resolution.candidates[:3]) or "no candidates"
    issues.append(Issue(line, wording, f"{resolution.status}, not used: {shown}"))
    return None


def _choose(spans: list[Mention]) -> Mention | None:
    """The longest span that resolves; else the longest that is close to trusts (probable or
    ambiguous: a look-alike name is reported, not shortened until it fits a trust); else the
    longest span, unresolved."""
    for wanted in (("resolved",), ("probable", "ambiguous")):
        for span in spans:
            if span.resolution.status in wanted:
                return span
    return spans[0] if spans else None


def find_mentions(text: str, offset: int, line: int, gazetteer: Gazetteer,
                  on: date | None) -> list[Mention]:
    """Trust names in one sentence of prose, left to right, each at its best-resolving start."""
    found: list[Mention] = []
    floor = 0
    for match in DESIGNATOR.finditer(text):
        if match.start() < floor:
            continue
        window = text[floor:match.start()]
        tokens = list(_TOKEN.finditer(window))
        kept: list[re.Match[str]] = []
        for token in reversed(tokens):
            word = token.group()
            gap = window[token.end(): kept[-1].start()] if kept else window[token.end():]
            if gap.strip(" ") or len(kept) >= 12:
                break
            if DESIGNATOR.fullmatch(word) or not (word[0].isupper() or word[0].isdigit()
                                                  or word in _JOINERS):
                break
            kept.append(token)
        starts = [t for t in kept if t.group() not in _JOINERS]
        spans = []
        for token in reversed(starts):  # longest first
            begin = floor + token.start()
            name = text[begin:match.end()]
            spans.append(Mention(name, offset + begin, offset + match.end(), line, gazetteer.resolve(name, on)))
        chosen = _choose(spans)
        if chosen is not None:
            found.append(chosen)
        floor = match.end()
    return found
