"""The review report: what extraction found in an article, what it doubts, and why.

A curator reads this next to the candidate Turtle. Findings come first, grouped
as the graph groups them (trusts, pairings, memberships, amounts, corrections),
each with the line it came from; then every uncertainty (fuzzy or ambiguous
names, minted trusts, pairings oriented by the verb alone, amounts read as
totals by default) so none is accepted unseen.
"""

from __future__ import annotations

from gdegraph.curate.extract.confidence import confidence
from gdegraph.curate.extract.model import Extraction
from gdegraph.curate.extract.turtle import money_text, award_iri, membership_iri, pairing_iri

__all__ = ["review_report"]


def _short(iri: str) -> str:
    kind, key = iri.rsplit("/", 2)[-2:]
    return f"{kind}:{key}"


def review_report(ex: Extraction) -> str:
    """The report as text, one finding per line."""
    where = str(ex.path) if ex.path else "(text)"
    out = [f"gdegraph extract: review report for {ex.source_id} ({where})",
           f"source IRI: {ex.source_iri}",
           f"article date: {ex.date or 'unknown'} ({ex.date_basis})"]
    if ex.context is not None:
        out.append(f"programme: {ex.context.programme}")
    out.append("every statement below has status 'candidate' in the Turtle; the suggested status is shown")
    out.append("")
    out.append(f"Trusts ({len(ex.trusts)}):")
    for iri, refs in sorted(ex.trusts.items(), key=lambda kv: kv[1][0].line):
        ref = refs[0]
        how = "minted: no ODS code" if ref.minted else (
            f"{ref.resolution.status}, {ref.resolution.candidates[0].method}" if ref.resolution else "")
        name = ref.resolution.candidates[0].name if ref.resolution and ref.resolution.candidates \
            and not ref.minted else ""
        wordings = " | ".join(f'"{r.wording}" (line {r.line})' for r in refs)
        out.append(f"  {ref.key:<10} {name or '-'} [{how}] {wordings}")
    out.append("")
    out.append(f"Pairings ({len(ex.pairings)}):")
    for p in ex.pairings:
        place = p.context.tier or p.context.wave
        notes = f"; {'; '.join(p.notes)}" if p.notes else ""
        out.append(f"  {_short(str(pairing_iri(p)))}: exemplar {p.exemplar.key} <- follower {p.follower.key} "
                   f"[{p.how}, line {p.line}, {place}, suggested status {p.status}, confidence {confidence(p)}{notes}]")
    out.append("")
    out.append(f"Memberships ({len(ex.memberships)}):")
    for m in ex.memberships:
        extra = f", collaborates with {', '.join(t.key for t in m.collaborates)}" if m.collaborates else ""
        out.append(f"  {_short(str(membership_iri(m)))}: {m.member.key} as {m.context.role.removeprefix('role-')}"
                   f" [line {m.line}, suggested status {m.context.status}, confidence {confidence(m)}{extra}]")
    out.append("")
    out.append(f"Amounts ({len(ex.amounts)}):")
    for a in ex.amounts:
        low = f"£{money_text(a.minimum)} to " if a.minimum else ""
        notes = f"; {'; '.join(a.notes)}" if a.notes else ""
        out.append(f"  {_short(str(award_iri(a)))}: {low}£{money_text(a.amount)} {a.qualifier}, {a.allocation}, "
                   f"{a.funding_type}, to {a.recipient[0]} {a.recipient[1]} [line {a.line}, \"{a.text}\", "
                   f"suggested status {a.status}, confidence {confidence(a)}{notes}]")
    out.append("")
    out.append(f"Corrections ({len(ex.corrections)}):")
    for c in ex.corrections:
        about = [f"£{money_text(a.amount)}" for a in c.amounts] + [t.key for t in c.trusts]
        out.append(f"  line {c.line}: amended {c.date or 'on an unknown date'}; about: "
                   f"{', '.join(about) or 'the article'}")
    out.append("")
    out.append(f"Uncertain ({len(ex.issues)}):")
    for issue in sorted(ex.issues, key=lambda i: i.line):
        text = issue.text if len(issue.text) <= 90 else issue.text[:87] + "..."
        out.append(f"  line {issue.line}: \"{text}\": {issue.reason}")
    if not ex.issues:
        out.append("  nothing")
    return "\n".join(out) + "\n"
