"""Trusts and pairings stated in running prose.

Sentences name trusts anywhere ("For instance, the Royal Free London FT was
expecting ...") and state pairings with a verb between two names: "X is matched
with Y as a fast follower", "X, which is paired up with Y and Z", "X buddying Y".
Which of the two is the exemplar is read, in order of trust, from the words
around the names ("GDE, X", "as a fast follower"), from the roles the same
trusts have in the article's lists and tables, and last from the verb ("X
buddying Y": X follows Y), which the report then flags. A following sentence
that takes the pairing back ("the exemplar trust ... has not yet picked a fast
follower") marks it as disputed.
"""

from __future__ import annotations

import re
from datetime import date

from gdegraph.curate.extract.article import Article, Sentence
from gdegraph.curate.extract.context import ROLE_EXEMPLAR, ROLE_FOLLOWER, make_context, status_in
from gdegraph.curate.extract.lists import PAIR_VERB
from gdegraph.curate.extract.mentions import find_mentions, reference
from gdegraph.curate.extract.relations import ANAPHOR, antecedent, predications, role_of
from gdegraph.curate.extract.short_names import ArticleNames, NameIndex
from gdegraph.curate.extract.model import Context, Extraction, Issue, MembershipFinding, PairingFinding, TrustRef
from gdegraph.sources.gazetteer import Gazetteer

__all__ = ["DISPUTE", "read_prose"]

DISPUTE = re.compile(r"\b(?:has|have|had) not (?:yet )?(?:picked|chosen|agreed|confirmed|selected)\b|"
                     r"\bdenied\b|\bdisputed?s?\b|\bdisputing\b|accuracy concern|\bwithdr[ae]wn?\b", re.I)
_GAP = re.compile(r"^[\s,(]*(?:[\w’']+[\s,]+){0,6}?(?P<verb>" + PAIR_VERB + r")(?:\s+up)?(?:\s+with)?[\s,]*$",
                  re.I)
_AND = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+)$")
_BUDDY = re.compile(r"^budd", re.I)


def read_prose(article: Article, gazetteer: Gazetteer, on: date | None, ex: Extraction,
               skip: set[int], known: frozenset[str], leads: list[tuple[int, Context]]) -> None:
    """Trust mentions and pairings in every sentence outside the lines already consumed.

    Two passes: the first finds names that end in a designator, the second the short
    forms of the trusts the article named (anywhere, lists included) and initialisms."""
    roles: dict[str, set[str]] = {}
    for m in ex.memberships:
        roles.setdefault(m.member.iri, set()).add(m.context.role)
    sentences = list(article.sentences(skip))
    names = ArticleNames(NameIndex.of(gazetteer), on)
    found: list[list[tuple[int, int, TrustRef]]] = []
    for sentence in sentences:
        refs: list[tuple[int, int, TrustRef]] = []
        for mention in find_mentions(sentence.text, sentence.offset, sentence.line, gazetteer, on):
            ref = reference(mention.resolution, mention.text, sentence.line, ex.issues)
            if ref is not None:
                refs.append((mention.start - sentence.offset, mention.end - sentence.offset, ref))
        found.append(refs)
    for iri, trust_refs in ex.trusts.items():
        for r in trust_refs:
            names.add(iri, r.wording, r.resolution.best if r.resolution else None)
    for refs in found:
        for _, _, r in refs:
            names.add(r.iri, r.wording, r.resolution.best if r.resolution else None)
    history: list[TrustRef] = []
    previous: list[PairingFinding] = []
    topic = next((line.text.strip() for line in article.lines if not line.blank), "")
    for k, sentence in enumerate(sentences):
        refs = found[k]
        for short in names.find(sentence.text, [(a, b) for a, b, _ in refs]):
            best = short.resolution.best
            assert best is not None
            refs.append((short.start, short.end, TrustRef(best.iri, best.code, short.text, sentence.line,
                                                          short.resolution)))
        refs.sort(key=lambda r: r[0])
        for _, _, ref in refs:
            ex.add_trust(ref)
        anaphor = _anaphor(sentence.text, refs, history, roles)
        following = sentences[k + 1] if k + 1 < len(sentences) else None
        start = len(ex.pairings)
        paired = _pairings(sentence, following, sorted(refs + anaphor, key=lambda r: r[0]), roles, ex,
                           article, known, leads)
        predications(sentence.text, sentence.line, refs, topic, article.text, known, ex, history, roles, paired)
        if len(ex.pairings) == start:
            reaffirm(sentence, refs, previous, ex)
        previous = ex.pairings[start:]
        history.extend(r[2] for r in refs)


_REAFFIRM = re.compile(r"^\s*(?:has\s+|have\s+)?(?:confirmed|said|stated|told)\b[^.]*\b(?:this|that|it|they)\s+"
                       r"(?:is|are|remains?)\s+(?:still\s+(?:the\s+case|in\s+place|so)|unchanged|the\s+case)", re.I)


def reaffirm(sentence: Sentence, refs: list[tuple[int, int, TrustRef]], previous: list[PairingFinding],
             ex: Extraction) -> None:
    """"X confirmed ... that this is still the case", right after a sentence pairing X: those
    pairings are confirmed by a party to them (a later, firmer step than the report)."""
    if len(refs) != 1 or not previous or not _REAFFIRM.match(sentence.text[refs[0][1]:]):
        return
    trust = refs[0][2].iri
    for p in previous:
        if trust in (p.exemplar.iri, p.follower.iri):
            ex.pairings.append(PairingFinding(p.exemplar, p.follower, p.context, sentence.text, sentence.line,
                                              "prose", "confirmed", [f"{refs[0][2].wording} confirms it"]))


def _anaphor(text: str, refs: list[tuple[int, int, TrustRef]], history: list[TrustRef],
             roles: dict[str, set[str]]) -> list[tuple[int, int, TrustRef]]:
    """"the GDE" before a pairing verb, as the trust it refers to (see relations.antecedent)."""
    match = ANAPHOR.search(text)
    if match is None or any(a < match.start() for a, _, _ in refs) or not refs:
        return []
    if not _GAP.match(text[match.end(): refs[0][0]]):
        return []
    ref = antecedent(history, roles, ROLE_EXEMPLAR)
    if ref is None:
        return []
    return [(match.start(), match.end(), TrustRef(ref.iri, ref.code, match.group(), ref.line, ref.resolution))]


def _orientation(sentence: str, first: tuple[int, int, TrustRef], objects: list[tuple[int, int, TrustRef]],
                 gap: str, verb: str, roles: dict[str, set[str]]) -> tuple[bool, str]:
    """(subject is the exemplar, on what basis)."""
    before = sentence[: first[0]][-40:]
    after = sentence[objects[-1][1]:][:40]
    if re.search(r"\b(?:GDEs?|exemplars?)\b[\s,]*(?:the\s+)?$", before, re.I):
        return True, "the subject is called the exemplar"
    copula = re.search(r"(?:^|[.;:]\s)(?P<np>[^.;:]*?)\s(?:was|is|were|are)\s+(?:the\s+)?$", sentence[: first[0]])
    if copula and role_of(copula.group("np")):
        # "The only other GDE to get two fast followers was X": the head noun (the first role
        # word of the noun phrase before the copula) is what X is
        first_role = re.search(r"follower|exemplar|\bGDEs?\b", copula.group("np"), re.I)
        if first_role is not None:
            return not first_role.group().lower().startswith("follower"), "the subject is called so before 'is'"
    if re.search(r"\bfollowers?\b[\s,]*(?:the\s+)?$", before, re.I):
        return False, "the subject is called the fast follower"
    if re.search(r"^[\s,]*as (?:a|an|its|their|the) (?:digital )?fast.follower", after, re.I) or \
            re.search(r"\bfollowers?\b", gap, re.I):
        return True, "the other trust is called the fast follower"
    if re.search(r"\bexemplars?\b|\bGDEs?\b", gap):
        return False, "the other trust is called the exemplar"
    subject_roles = roles.get(first[2].iri, set())
    object_roles = set().union(*(roles.get(o[2].iri, set()) for o in objects))
    if ROLE_EXEMPLAR in subject_roles or ROLE_FOLLOWER in object_roles:
        return True, "roles the article gives these trusts elsewhere"
    if ROLE_FOLLOWER in subject_roles or ROLE_EXEMPLAR in object_roles:
        return False, "roles the article gives these trusts elsewhere"
    subject_exemplar = not _BUDDY.match(verb)
    return subject_exemplar, "the verb only"


def _pairings(sentence: Sentence, following: Sentence | None, refs: list[tuple[int, int, TrustRef]],
              roles: dict[str, set[str]], ex: Extraction, article: Article, known: frozenset[str],
              leads: list[tuple[int, Context]]) -> set[str]:
    """Pairings stated by a pairing verb between names; returns the trusts paired."""
    text = sentence.text
    paired: set[str] = set()
    i = 0
    while i < len(refs) - 1:
        first = refs[i]
        gap = text[first[1]: refs[i + 1][0]]
        match = _GAP.match(gap)
        if not match:
            i += 1
            continue
        objects = [refs[i + 1]]
        j = i + 2
        while j < len(refs) and _AND.match(text[objects[-1][1]: refs[j][0]]):
            objects.append(refs[j])
            j += 1
        subject_exemplar, basis = _orientation(text, first, objects, gap, match.group("verb"), roles)
        if ANAPHOR.fullmatch(first[2].wording):
            subject_exemplar, basis = True, f"'{first[2].wording}' refers to the exemplar last named"
        quote = text
        status = "announced"
        rest = text[objects[-1][1]:]
        if DISPUTE.search(rest) or (following and DISPUTE.search(following.text)):
            status = "disputed"
            if following and not DISPUTE.search(rest):
                quote = article.text[sentence.offset: following.offset + len(following.text)]
        plain = text
        for start, end, _ in sorted(refs, reverse=True):
            plain = plain[:start] + plain[end:]
        lead = plain + " " + _nearest_lead(leads, sentence.line)
        ctx = make_context(lead, article.text, known, role=ROLE_FOLLOWER)
        ctx_ex = make_context(lead, article.text, known, role=ROLE_EXEMPLAR)
        if status != "disputed":
            status = status_in(plain)
        for obj in objects:
            exemplar, follower = (first[2], obj[2]) if subject_exemplar else (obj[2], first[2])
            notes = [f"which trust is the exemplar: {basis}"]
            if basis == "the verb only":
                ex.issues.append(Issue(sentence.line, text, f"pairing {exemplar.key} -> {follower.key}: "
                                       "the exemplar was told from the verb only"))
            ex.pairings.append(PairingFinding(exemplar, follower, ctx, quote, sentence.line, "prose",
                                              status, notes))
            paired |= {exemplar.iri, follower.iri}
            roles.setdefault(exemplar.iri, set()).add(ROLE_EXEMPLAR)
            roles.setdefault(follower.iri, set()).add(ROLE_FOLLOWER)
            ex.memberships.append(MembershipFinding(follower, ctx, quote, sentence.line))
            ex.memberships.append(MembershipFinding(
                exemplar, Context(ctx_ex.programme, ctx_ex.wave, ctx_ex.tier, ctx_ex.role, ctx_ex.sector,
                                  "implied"), quote, sentence.line, notes=["implied by the pairing"]))
        i = j
    return paired


def _nearest_lead(leads: list[tuple[int, Context]], line: int) -> str:
    """The lead-in of the list or table nearest before ``line`` (else after): prose about
    pairings usually continues the list it follows."""
    before = [c for n, c in leads if n <= line]
    after = [c for n, c in leads if n > line]
    pick = before[-1] if before else after[0] if after else None
    return pick.lead if pick else ""
