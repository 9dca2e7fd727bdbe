"""What extraction finds, before it becomes Turtle: plain records a report can explain.

Each record keeps the article's own words (``quote``) and the line it came from,
so a curator reviewing a candidate can find it in the source, and the notes
saying why it is uncertain travel with it to the review report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from gdegraph.sources.gazetteer import Resolution

__all__ = ["AmountFinding", "Context", "CorrectionFinding", "Extraction", "Issue",
           "MembershipFinding", "PairingFinding", "TrustRef"]


@dataclass(frozen=True)
class Context:
    """Where a list, table or sentence places its trusts: programme, wave, tier, role.

    Keys are IRI keys of the programme structure (``wave/gde-fast-followers``); ``tier``
    is None when the words do not settle it. ``status`` is the status a curator
    would probably give (announced, proposed, ...), which the candidate records only
    as a suggestion.
    """
    programme: str
    wave: str
    tier: str | None
    role: str
    sector: str | None = None
    status: str = "announced"
    count: int | None = None
    lead: str = ""


@dataclass(frozen=True)
class TrustRef:
    """A trust as an article words it, and the IRI it resolved (or was minted) to."""
    iri: str
    code: str | None
    wording: str
    line: int
    resolution: Resolution | None = None
    minted: bool = False

    @property
    def key(self) -> str:
        """The IRI key: the ODS code, or the slug of a trust without one."""
        return self.iri.rsplit("/", 1)[-1]


@dataclass
class MembershipFinding:
    """A trust listed as taking part in a wave/tier in some role."""
    member: TrustRef
    context: Context
    quote: str
    line: int
    collaborates: list[TrustRef] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    joint: list[TrustRef] = field(default_factory=list)  # trusts named with it as one participant


@dataclass
class PairingFinding:
    """A fast follower buddied with an exemplar, and how the article said so."""
    exemplar: TrustRef
    follower: TrustRef
    context: Context
    quote: str
    line: int
    how: str
    status: str = "announced"
    notes: list[str] = field(default_factory=list)
    status_quote: str = ""  # the words that gave the status, when not the first quote


@dataclass
class AmountFinding:
    """A sum of money in the article with its qualifier, allocation and recipient."""
    amount: Decimal
    minimum: Decimal | None
    qualifier: str
    allocation: str
    funding_type: str
    recipient: tuple[str, str]  # (kind, key), e.g. ("tier", "gde-acute-fast-followers")
    context: Context
    quote: str
    line: int
    text: str
    status: str = "announced"
    notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[Decimal, str, str]:
        """What makes two findings the same amount: value, qualifier, allocation."""
        return (self.amount, self.qualifier, self.allocation)


@dataclass
class CorrectionFinding:
    """An amendment note ("This story was amended on ...") and what it is about."""
    date: str | None  # ISO date, or None when the year cannot be told
    quote: str
    line: int
    amounts: list["AmountFinding"] = field(default_factory=list)
    trusts: list[TrustRef] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Issue:
    """Something a curator must look at: where, what and why."""
    line: int
    text: str
    reason: str


@dataclass
class Extraction:
    """Everything proposed from one article."""
    source_id: str
    source_iri: str
    path: Path | None
    date: str | None
    date_basis: str
    context: Context | None
    trusts: dict[str, list[TrustRef]] = field(default_factory=dict)
    memberships: list[MembershipFinding] = field(default_factory=list)
    pairings: list[PairingFinding] = field(default_factory=list)
    amounts: list[AmountFinding] = field(default_factory=list)
    corrections: list[CorrectionFinding] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def add_trust(self, ref: TrustRef) -> None:
        """Record a trust mention; each distinct wording is kept once (for alt labels)."""
        refs = self.trusts.setdefault(ref.iri, [])
        if all(r.wording != ref.wording for r in refs):
            refs.append(ref)
