"""How far to trust a candidate: a number from 0 to 1 that the curator sorts and filters by.

It is not a calibrated probability. It multiplies how sure the names are (the
gazetteer's score of each trust, 1.0 for an exact or normalised match, lower for a
fuzzy one) by how much structure the rule had: a list item or table row states its
fact outright; a pairing verb between two names in prose almost as much; a role
read from the subject's noun phrase or an earlier mention, an exemplar found by
anaphora or as "the other trust", and a sum whose allocation was read from its
size are guesses the report flags, and weigh less.
"""

from __future__ import annotations

from gdegraph.curate.extract.model import AmountFinding, MembershipFinding, PairingFinding, TrustRef

__all__ = ["confidence"]

#: (words in a finding's notes or how, factor): the weaker the evidence, the lower.
_WEAK = (("the verb only", 0.6), ("refers to the exemplar last named", 0.75), ("the exemplar the article last", 0.7),
         ("the other trust the sentence names", 0.8), ("by its size", 0.6), ("recipient is not stated", 0.7),
         ("compared with the sum before", 0.8), ("stated by predication", 0.85), ("implied by the pairing", 0.9),
         ("roles the article gives", 0.85))
_HOW = {"list item": 0.95, "table row": 0.95, "prose": 0.9}


def _name(ref: TrustRef) -> float:
    if ref.minted or ref.resolution is None or not ref.resolution.candidates:
        return 0.5
    best = ref.resolution.candidates[0]
    return 1.0 if best.method != "fuzzy" else min(1.0, best.score / 100)


def confidence(finding: PairingFinding | MembershipFinding | AmountFinding) -> float:
    """The candidate's confidence, rounded to two decimals."""
    notes = " ".join(finding.notes)
    if isinstance(finding, PairingFinding):
        value = _HOW.get(finding.how, 0.85) * _name(finding.exemplar) * _name(finding.follower)
    elif isinstance(finding, MembershipFinding):
        value = 0.95 * _name(finding.member)
    else:
        value = 0.9
    for words, factor in _WEAK:
        if words in notes:
            value *= factor
    return round(value, 2)
