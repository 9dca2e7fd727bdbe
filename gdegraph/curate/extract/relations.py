"""Roles and pairings that prose states without a pairing verb between two names.

Three sentence shapes, read from the structure of the clause rather than from
set phrases:

* **predication**: a trust, or several joined by commas and "and", followed by
  a verb phrase that ends in "as" + a role ("X, Y and Z were selected as GDEs",
  "X has been formally confirmed as a global digital exemplar", "Y has been
  dropped as a proposed fast follower"). Each trust gets the role; the status
  comes from the verb phrase (dropped: withdrawn, formally confirmed: confirmed,
  proposed: proposed). A group with a selection verb and no "as" ("X had been
  selected") takes the role the article's headline or opening names.
* **loss**: a follower predicated with a withdrawal verb, or "X has lost Y as a
  fast follower", is a withdrawn pairing with the exemplar the sentence names
  (the other trust in it), else the exemplar the article last named.
* **anaphora**: "the global digital exemplar (GDE) would be paired with Y and
  Z" names its exemplar by role; it is the trust the article last named (with
  that role, if the article gave one), and the report says so.
"""

from __future__ import annotations

import re

from gdegraph.curate.extract.context import ROLE_EXEMPLAR, ROLE_FOLLOWER, ROLE_WORD, make_context, status_in
from gdegraph.curate.extract.model import Context, Extraction, MembershipFinding, PairingFinding, TrustRef

__all__ = ["ANAPHOR", "Ref", "antecedent", "predications", "role_of"]

Ref = tuple[int, int, TrustRef]

_ROLE = r"(?:global digital exemplars?|GDEs?|exemplars?|fast[ -]followers?|digital aspirants?)"
_PREDICATE = re.compile(
    r"^[\s,)]*(?:(?:which|who|that)\s+)?(?P<aux>(?:has|have|had)\s+(?:\w+\s+)?been\s+|(?:was|were|is|are)\s+|"
    r"(?:will|would|could|may)\s+(?:now\s+)?be\s+)?(?P<verb>(?:(?:formally|officially|now|finally|also|"
    r"provisionally)\s+)?(?:selected|named|chosen|confirmed|announced|designated|approved|appointed|picked|"
    r"dropped|withdrawn|removed|lined up|proposed|shortlisted|included))?(?:\s+(?:by|to)\s+[^,.;]{0,60}?)?"
    r"(?P<as>\s*\b(?:jointly\s+)?as\s+(?:a|an|its|the|their|one of (?:the|its|their)|one)?\s*(?:proposed\s+|"
    r"potential\s+|possible\s+|new\s+|joint\s+|single\s+|mental health\s+|acute\s+|ambulance\s+)*(?P<role>" + _ROLE + r"))?", re.I)
_LOSS = re.compile(r"^\s*(?:(?:has|have|had)\s+)?(?:lost|dropped|withdrawn|removed|losing)\s*$", re.I)
_JOINED = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+|&\s+)$")
ANAPHOR = re.compile(r"\b(?:the|this|that)\s+(?:global digital exemplar|GDE|exemplar)\b(?:\s*\(GDE\))?"
                     r"(?:\s+trust\b)?", re.I)
_JOINT = re.compile(r"\bjoint(?:ly)?\b|\bas one\b|\btogether as\b", re.I)
_SELECT = re.compile(r"selected|named|chosen|confirmed|designated|appointed|picked", re.I)


def role_of(words: str) -> str | None:
    """The role a phrase names (fast follower before exemplar: "fast followers to a GDE")."""
    if re.search(r"follower", words, re.I):
        return ROLE_FOLLOWER
    if re.search(r"exemplar|\bGDEs?\b", words, re.I):
        return ROLE_EXEMPLAR
    return None


def antecedent(history: list[TrustRef], roles: dict[str, set[str]], role: str) -> TrustRef | None:
    """The trust a role noun ("the GDE") refers to: the last named with that role, else the
    last named trust whose role is not the opposite one."""
    for ref in reversed(history):
        if role in roles.get(ref.iri, set()):
            return ref
    other = ROLE_FOLLOWER if role == ROLE_EXEMPLAR else ROLE_EXEMPLAR
    return next((r for r in reversed(history) if other not in roles.get(r.iri, set())), None)


def _groups(text: str, refs: list[Ref]) -> list[list[Ref]]:
    """Runs of trust mentions joined by commas and "and"."""
    out: list[list[Ref]] = []
    for ref in refs:
        if out and _JOINED.match(text[out[-1][-1][1]: ref[0]]):
            out[-1].append(ref)
        else:
            out.append([ref])
    return out


def predications(text: str, line: int, refs: list[Ref], topic: str, article_text: str,
                 known: frozenset[str], ex: Extraction, history: list[TrustRef],
                 roles: dict[str, set[str]], paired: set[str]) -> None:
    """Memberships stated by predication, and withdrawn pairings stated by loss (see the
    module docstring); ``paired`` holds the trusts already paired by a verb in this
    sentence, which are not read again."""
    for group in _groups(text, refs):
        if any(r[2].iri in paired for r in group):
            continue
        later = [r[0] for r in refs if r[0] >= group[-1][1]]
        after = text[group[-1][1]: later[0] if later else len(text)]
        match = _PREDICATE.match(after)
        if match is None or not (match.group("verb") or match.group("as")):
            continue
        words = match.group()
        earlier = [r[1] for r in refs if r[1] <= group[0][0]]
        gap = text[earlier[-1] if earlier else 0: group[0][0]]  # "X has lost | Y as a fast follower"
        role = role_of(match.group("role") or "") if match.group("as") else None
        if role is None and match.group("aux") and match.group("verb") and _SELECT.search(match.group("verb")) \
                and ROLE_WORD.search(topic):
            role = role_of(topic)
        if role is None:
            continue
        status = status_in(gap[-40:] + words)
        if status == "announced" and role != ROLE_FOLLOWER:
            status = status_in(topic)
        names = " ".join(r[2].wording for r in group)
        ctx = make_context(f"{words} {topic if ROLE_WORD.search(topic) else ''} {names}", article_text,
                           known, role=role)
        ctx = Context(ctx.programme, ctx.wave, ctx.tier, ctx.role, ctx.sector, status, None, ctx.lead)
        joint = len(group) > 1 and bool(_JOINT.search(words + " " + text[group[0][0]: group[-1][1]]))
        for _, _, ref in group:
            others = [r[2] for r in group if r[2].iri != ref.iri] if joint else []
            ex.memberships.append(MembershipFinding(ref, ctx, text, line, notes=["stated by predication"]
                                                    + (["named jointly"] if joint else []), joint=others))
            roles.setdefault(ref.iri, set()).add(role)
        if role == ROLE_FOLLOWER and status == "withdrawn":
            _loss(text, line, group, refs, ctx, ex, history, roles, article_text, known)


def _loss(text: str, line: int, group: list[Ref], refs: list[Ref], ctx: Context, ex: Extraction,
          history: list[TrustRef], roles: dict[str, set[str]], article_text: str, known: frozenset[str]) -> None:
    """Withdrawn pairings of the followers in ``group`` with the exemplar that lost them."""
    members = {r[2].iri for r in group}
    others = [r for r in refs if r[2].iri not in members]
    before = [r for r in others if r[1] <= group[0][0]]
    if len(others) == 1:
        exemplar, basis = others[0][2], "the other trust the sentence names"
    elif before and _LOSS.match(text[before[-1][1]: group[0][0]]):
        exemplar, basis = before[-1][2], "the trust that lost it"
    else:
        found = antecedent(history, roles, ROLE_EXEMPLAR)
        if found is None:
            return
        exemplar, basis = found, "the exemplar the article last named"
    ex_ctx = make_context(ctx.lead, article_text, known, role=ROLE_EXEMPLAR)
    for _, _, follower in group:
        if follower.iri == exemplar.iri:
            continue
        ex.pairings.append(PairingFinding(exemplar, follower, ctx, text, line, "prose", "withdrawn",
                                          [f"which trust is the exemplar: {basis}"]))
        ex.memberships.append(MembershipFinding(exemplar, Context(
            ex_ctx.programme, ex_ctx.wave, ex_ctx.tier, ROLE_EXEMPLAR, ex_ctx.sector, "implied"), text, line,
            notes=["implied by the pairing"]))
