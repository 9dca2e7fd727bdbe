"""Trusts announced in bullet lists and two-column tables, with the pairings they state.

Two layouts carry most announcements. A bullet list introduced by a lead-in
("The acute fast followers", "The 7 trusts receiving up to £6m are:") names
one trust per item, often with a remark in brackets: "X (buddying with Y)",
"X (buddied Y)", "X (working in collaboration with Y and Z)". A table pairs
an exemplar column with a fast-follower column; copied from a web page, its
cells are often run together ("...NHS Foundation TrustClatterbridge Cancer
Centre..."), so a row is split where a lower-case letter meets a capital and
the split whose two halves both resolve to trusts is kept. The header says
which column is which.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Callable

from gdegraph.curate.extract.article import Article, Line
from gdegraph.curate.extract.context import (DA, NUMBER_WORDS, ROLE_EXEMPLAR, ROLE_FOLLOWER, ROLE_PARTNER,
                                             ROLE_WORD, make_context)
from gdegraph.curate.extract.mentions import DESIGNATOR, clean_name, find_mentions, looks_like_trust, reference
from gdegraph.curate.extract.model import Context, Extraction, Issue, MembershipFinding, PairingFinding, TrustRef
from gdegraph.sources.gazetteer import Gazetteer

__all__ = ["PAIR_VERB", "add_joint", "joint_names", "read_lists", "read_tables"]

PAIR_VERB = r"(?:buddying|buddied|buddy|buddies|paired|pairing|matched|partnered|twinned)"
_ITEM_PAIR = re.compile(r"^(?P<main>.*?)\s*[(,–—-]?\s*\b" + PAIR_VERB + r"(?:\s+up)?(?:\s+with)?\s+"
                        r"(?P<other>[^)]+?)\s*\)?\s*[.;]?$", re.I)
_COLLAB = re.compile(r"\((?:working\s+)?(?:in\s+)?(?:collaboration|partnership|together)\s+with\s+"
                     r"(?P<others>[^)]+)\)", re.I)
_EXEMPLAR_WORD = re.compile(r"GDEs?|[Ee]xemplars?")
_FOLLOWER_WORD = re.compile(r"[Ff]ast[ -][Ff]ollowers?|[Ff]ollowers?")
_HEADER_FILLER = {"global", "digital", "trust", "trusts", "the", "acute", "mental", "health", "and"}
_RANK = {"resolved": 2, "probable": 1}

Resolve = Callable[[str, int, bool], TrustRef | None]


def _resolver(gazetteer: Gazetteer, on: date | None, issues: list[Issue]) -> Resolve:
    def resolve(text: str, line: int, mint: bool) -> TrustRef | None:
        return reference(gazetteer.resolve(text, on), text, line, issues, mint)
    return resolve


def _complement(role: str) -> str:
    return ROLE_EXEMPLAR if role == ROLE_FOLLOWER else ROLE_FOLLOWER


def _pair(ex: Extraction, item: TrustRef, other: TrustRef, ctx: Context, other_ctx: Context,
          quote: str, line: int, how: str) -> None:
    """Record a pairing and the other party's implied membership."""
    exemplar, follower = (item, other) if ctx.role == ROLE_EXEMPLAR else (other, item)
    follower_ctx = ctx if ctx.role == ROLE_FOLLOWER else other_ctx
    ex.pairings.append(PairingFinding(exemplar, follower, follower_ctx, quote, line, how, ctx.status))
    ex.memberships.append(MembershipFinding(other, other_ctx, quote, line,
                                            notes=["implied by the pairing"]))


def _funding_phrase(count: int | None, article: Article, before: int, window: int = 60) -> str:
    """The words after a count that announce its money: for 25 in "Seven trusts will receive up
    to £6m ... and a further 25 will receive seed funding of £250,000 each", the second part.
    Only the ``window`` lines before line ``before`` (the list) are read, so many lists in a
    long text cost no more than one each."""
    if not count:
        return ""
    words = [str(count)] + [w for w, n in NUMBER_WORDS.items() if n == count]
    number = re.compile(r"(?<![£\d.,])\b(" + "|".join(words) + r")\b", re.I)
    any_number = re.compile(r"(?<![£\d.,-])\b(\d{1,3}|" + "|".join(NUMBER_WORDS) + r")\b(?!-)", re.I)
    for sentence in article.sentences(start=before - window, stop=before):
        for match in number.finditer(sentence.text):
            rest = sentence.text[match.end():]
            later = any_number.search(rest)
            phrase = sentence.text[match.start(): match.end() + (later.start() if later else len(rest))]
            if "£" in phrase and re.search(r"\b(receive|get|given|awarded|share)\b", phrase, re.I):
                return phrase
    return ""


def read_lists(article: Article, gazetteer: Gazetteer, on: date | None, ex: Extraction,
               known: frozenset[str]) -> set[int]:
    """Memberships and pairings from bullet lists of trusts; returns the lines consumed."""
    resolve = _resolver(gazetteer, on, ex.issues)
    consumed: set[int] = set()
    for block in article.bullet_blocks():
        names = [clean_name(_ITEM_PAIR.sub(r"\g<main>", line.bullet or "")) for line in block]
        trustlike = sum(1 for n in names if looks_like_trust(n) or gazetteer.resolve(n, on).best)
        if trustlike < max(2, 0.6 * len(block)):
            continue
        lead = " ".join(line.text.strip() for line in reversed(article.lead_in(block[0])))
        topic = article.topic_before(block[0], ROLE_WORD)
        ctx = make_context(lead, article.text, known, topic=topic)
        if ctx.programme == DA and ctx.tier is None:
            funding = _funding_phrase(ctx.count or len(block), article, block[0].number)
            ctx = make_context(lead, article.text, known, funding=funding, topic=topic)
        if ctx.count and ctx.count != len(block):
            ex.issues.append(Issue(block[0].number, lead, f"the lead-in announces {ctx.count} trusts "
                                   f"but the list has {len(block)} items"))
        other_ctx = make_context(lead, article.text, known, role=_complement(ctx.role), topic=topic)
        other_ctx = Context(other_ctx.programme, other_ctx.wave, other_ctx.tier, other_ctx.role,
                            other_ctx.sector, "implied", None, lead)
        for line in block:
            consumed.add(line.number)
            _item(line, ctx, other_ctx, ex, resolve, gazetteer, on)
    return consumed


def _item(line: Line, ctx: Context, other_ctx: Context, ex: Extraction, resolve: Resolve,
          gazetteer: Gazetteer, on: date | None) -> None:
    body = (line.bullet or "").strip()
    paired = _ITEM_PAIR.match(body)
    main_text = clean_name(paired.group("main") if paired else body)
    if gazetteer.resolve(main_text, on).best is None:
        joint = joint_names(main_text, gazetteer, on)
        if joint:
            add_joint(ex, [TrustRef(r.best.iri, r.best.code, t, line.number, r) for t, r in joint], ctx, body,
                      line.number)
            return
    item = resolve(main_text, line.number, True)
    if item is None:
        return
    ex.add_trust(item)
    membership = MembershipFinding(item, ctx, main_text, line.number)
    ex.memberships.append(membership)
    collab = _COLLAB.search(body)
    if collab:
        others = find_mentions(collab.group("others"), 0, line.number, gazetteer, on)
        partner_ctx = Context(ctx.programme, ctx.wave, ctx.tier, ROLE_PARTNER, ctx.sector, ctx.status)
        for mention in others:
            partner = reference(mention.resolution, mention.text, line.number, ex.issues)
            if partner is not None:
                ex.add_trust(partner)
                membership.collaborates.append(partner)
                ex.memberships.append(MembershipFinding(partner, partner_ctx, body, line.number))
        membership.quote = body
    if paired:
        other = resolve(clean_name(paired.group("other")), line.number, True)
        if other is not None:
            ex.add_trust(other)
            _pair(ex, item, other, ctx, other_ctx, body, line.number, "list item")


_JOINT_SPLIT = re.compile(r"\s+(?:and|&|jointly with|together with)\s+", re.I)


def joint_names(text: str, gazetteer: Gazetteer, on: date | None) -> list[tuple[str, object]]:
    """Two trusts named as one item ("Guy's and St Thomas' and King's College Hospital NHS
    Foundation Trusts", "X NHS Trust and Y NHS Trust"): the split at "and"/"&" whose halves both
    resolve to different trusts, the left half given the right half's designator if it has none.
    Empty when the text is one trust or no split works."""
    designator = DESIGNATOR.search(text)
    suffix = text[designator.start():] if designator else ""
    for match in _JOINT_SPLIT.finditer(text):
        left, right = text[: match.start()].strip(" ,"), text[match.end():].strip(" ,")
        if not left or not right:
            continue
        right_res = gazetteer.resolve(re.sub(r"Trusts\b", "Trust", right), on)
        left_text = left if DESIGNATOR.search(left) else f"{left} {re.sub(r'Trusts', 'Trust', suffix)}".strip()
        left_res = gazetteer.resolve(left_text, on)
        if left_res.best and right_res.best and left_res.best.iri != right_res.best.iri:
            return [(left, left_res), (right, right_res)]
    return []


def add_joint(ex: Extraction, refs: list[TrustRef], ctx: Context, quote: str, line: int) -> None:
    """Memberships of trusts named together as one participant, each linked to the others."""
    for ref in refs:
        ex.add_trust(ref)
        others = [r for r in refs if r.iri != ref.iri]
        ex.memberships.append(MembershipFinding(ref, ctx, quote, line, joint=others,
                                                notes=["named jointly with " + ", ".join(r.key for r in others)]))


def _header(line: Line) -> tuple[str, str] | None:
    """Column roles of a table header such as "GDEFast Follower" or "Exemplar | Fast follower"."""
    text = line.text.strip()
    if not text or line.bullet is not None or len(text) > 80:
        return None
    follower = _FOLLOWER_WORD.search(text)
    exemplar = _EXEMPLAR_WORD.search(text)
    if not (follower and exemplar):
        return None
    rest = (text[:min(follower.start(), exemplar.start())] + " "
            + text[min(follower.end(), exemplar.end()):max(follower.start(), exemplar.start())] + " "
            + text[max(follower.end(), exemplar.end()):])
    if any(w.lower() not in _HEADER_FILLER for w in re.findall(r"[A-Za-z]+", rest)):
        return None
    if exemplar.start() < follower.start():
        return (ROLE_EXEMPLAR, ROLE_FOLLOWER)
    return (ROLE_FOLLOWER, ROLE_EXEMPLAR)


def _split_row(text: str, resolve_quiet: Callable[[str], TrustRef | None]
               ) -> tuple[str, str, TrustRef, TrustRef] | None:
    """The best split of a row into two cells that both resolve to trusts."""
    text = text.strip()
    cuts = [m.start() for m in re.finditer(r"\t|\s{2,}|\s\|\s", text)]
    cuts += [m.start() + 1 for m in re.finditer(r"[a-z)’'.][A-Z]", text)]
    best: tuple[tuple[int, float], tuple[str, str, TrustRef, TrustRef]] | None = None
    for cut in cuts:
        left, right = text[:cut].strip(" \t|"), text[cut:].strip(" \t|")
        if not left or not right:
            continue
        a, b = resolve_quiet(left), resolve_quiet(right)
        if a is None or b is None or a.resolution is None or b.resolution is None:
            continue
        ranks = [_RANK.get(r.resolution.status, 0) for r in (a, b)]
        score = min(r.resolution.candidates[0].score for r in (a, b) if r.resolution.candidates)
        key = (min(ranks), score)
        if best is None or key > best[0]:
            best = (key, (left, right, a, b))
    return best[1] if best else None


def read_tables(article: Article, gazetteer: Gazetteer, on: date | None, ex: Extraction,
                known: frozenset[str]) -> set[int]:
    """Pairings from two-column exemplar/follower tables; returns the lines consumed."""
    consumed: set[int] = set()

    def quiet(text: str) -> TrustRef | None:
        res = gazetteer.resolve(text, on)
        return TrustRef(res.best.iri, res.best.code, text, 0, res) if res.best else None

    lines = article.lines
    i = 0
    while i < len(lines):
        roles = _header(lines[i])
        if roles is None:
            i += 1
            continue
        lead = " ".join(line.text.strip() for line in reversed(article.lead_in(lines[i], 1)))
        ctxs = {role: make_context(lead, article.text, known, role=role) for role in roles}
        consumed.add(lines[i].number)
        j = i + 1
        while j < len(lines):
            line = lines[j]
            if line.blank:
                j += 1
                continue
            split = _split_row(line.text, quiet)
            if split is None:
                break
            consumed.add(line.number)
            cells = {roles[0]: split[0], roles[1]: split[1]}
            refs = {roles[0]: split[2], roles[1]: split[3]}
            for role in roles:
                ref = TrustRef(refs[role].iri, refs[role].code, cells[role], line.number, refs[role].resolution)
                refs[role] = ref
                ex.add_trust(ref)
                if ref.resolution is not None and ref.resolution.status == "probable":
                    ex.issues.append(Issue(line.number, cells[role], "probable, check: "
                                           + ref.resolution.candidates[0].explain()))
                ex.memberships.append(MembershipFinding(ref, ctxs[role], cells[role], line.number))
            follower_ctx = ctxs[ROLE_FOLLOWER]
            ex.pairings.append(PairingFinding(refs[ROLE_EXEMPLAR], refs[ROLE_FOLLOWER], follower_ctx,
                                              line.text.strip(), line.number, "table row", follower_ctx.status))
            j += 1
        i = j
    return consumed

