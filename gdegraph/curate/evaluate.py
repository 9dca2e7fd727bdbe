"""Scoring extraction against hand-written gold annotations (``tests/gold/*.json``).

Each gold file (format in ``tests/gold/README.md``) says what one article states:
trusts (ODS codes), memberships (trust, role), pairings (exemplar, follower,
status) and amounts (value, qualifier, allocation). The extractor is run on the
article with the gold file's date and a gazetteer of the reference data only (the
curated labels would let the seeds' own annotations help), and its findings are
compared as sets, per field: precision = found and right / found, recall = found
and right / gold. Two sets are scored apart: the seven real articles under
``sources/`` and the five seeds. A pairing counts only with the right status, a
membership only with the right role, an amount only with the right qualifier and
allocation, so each figure is the share of statements a curator could accept
as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from gdegraph.core.errors import InputError

__all__ = ["FIELDS", "Score", "evaluate_gold", "format_scores", "gold_facts", "load_gold"]

FIELDS = ("trusts", "memberships", "pairings", "amounts")


@dataclass
class Score:
    """Gold and found facts of one article, per field."""
    source_id: str
    group: str  # "sources" or "seeds"
    gold: dict[str, set[tuple[object, ...]]]
    found: dict[str, set[tuple[object, ...]]]

    def counts(self, name: str) -> tuple[int, int, int]:
        """(right, found, gold) for one field."""
        return len(self.gold[name] & self.found[name]), len(self.found[name]), len(self.gold[name])

    def missed(self, name: str) -> list[tuple[object, ...]]:
        return sorted(self.gold[name] - self.found[name], key=str)

    def extra(self, name: str) -> list[tuple[object, ...]]:
        return sorted(self.found[name] - self.gold[name], key=str)


def _money(value: object) -> Decimal:
    return Decimal(str(value)).normalize()


def load_gold(path: Path) -> dict[str, object]:
    """One gold file; a file that is not JSON or lacks a field is an InputError."""
    try:
        gold = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"gold file is not JSON: {exc.msg}", path=path, line=exc.lineno) from None
    for key in ("source", "source_id", *FIELDS):
        if key not in gold:
            raise InputError(f"gold file has no {key!r}", path=path)
    return gold


def gold_facts(gold: dict[str, object]) -> dict[str, set[tuple[object, ...]]]:
    """The comparable facts of a gold file."""
    return {
        "trusts": {(t,) for t in gold["trusts"]},  # type: ignore[union-attr]
        "memberships": {(m["trust"], m["role"]) for m in gold["memberships"]},  # type: ignore[index,union-attr]
        "pairings": {(p["exemplar"], p["follower"], p["status"]) for p in gold["pairings"]},  # type: ignore
        "amounts": {(_money(a["value"]), a["qualifier"], a["allocation"]) for a in gold["amounts"]},  # type: ignore
    }


def extraction_facts(ex: object) -> dict[str, set[tuple[object, ...]]]:
    """The comparable facts of an :class:`~gdegraph.curate.extract.model.Extraction`."""
    return {
        "trusts": {(iri.rsplit("/", 1)[-1],) for iri in ex.trusts},  # type: ignore[attr-defined]
        "memberships": {(m.member.key, m.context.role.removeprefix("role-"))
                        for m in ex.memberships},  # type: ignore[attr-defined]
        "pairings": {(p.exemplar.key, p.follower.key, p.status) for p in ex.pairings},  # type: ignore
        "amounts": {(a.amount.normalize(), a.qualifier, a.allocation) for a in ex.amounts},  # type: ignore
    }


def evaluate_gold(gold_dir: Path, shared: Path, data_graph: object, gazetteer: object) -> list[Score]:
    """Run the extractor on every gold file's article and score it."""
    from gdegraph.curate.extract import extract_file, known_structure

    files = sorted(Path(gold_dir).glob("*.json"))
    if not files:
        raise InputError("no gold files (*.json)", path=gold_dir)
    known = known_structure(data_graph)
    scores = []
    for path in files:
        gold = load_gold(path)
        article = shared / str(gold["source"])
        ex = extract_file(article, gazetteer, str(gold["source_id"]), gold.get("date"), known)  # type: ignore
        group = "seeds" if str(gold["source"]).startswith("seeds/") else "sources"
        scores.append(Score(str(gold["source_id"]), group, gold_facts(gold), extraction_facts(ex)))
    return scores


def totals(scores: list[Score], name: str) -> tuple[float, float, int, int, int]:
    """Micro-averaged (precision, recall, right, found, gold) of one field."""
    right = sum(s.counts(name)[0] for s in scores)
    found = sum(s.counts(name)[1] for s in scores)
    gold = sum(s.counts(name)[2] for s in scores)
    return (right / found if found else 1.0, right / gold if gold else 1.0, right, found, gold)


def format_scores(scores: list[Score], details: bool = False) -> str:
    """The table: per article and per set, precision/recall per field."""
    head = f"{'article':<52}" + "".join(f" | {n:^19}" for n in FIELDS)
    lines = [head, f"{'':<52}" + " |  P    R   ok/fd/gd" * len(FIELDS), "-" * len(head)]
    for group in ("sources", "seeds"):
        mine = [s for s in scores if s.group == group]
        for s in mine:
            cells = []
            for name in FIELDS:
                ok, fd, gd = s.counts(name)
                p = f"{ok / fd:4.2f}" if fd else " n/a"
                r = f"{ok / gd:4.2f}" if gd else " n/a"
                cells.append(f" | {p} {r} {ok:>2}/{fd:>2}/{gd:>2}")
            lines.append(f"{s.source_id:<52}" + "".join(cells))
        cells = []
        for name in FIELDS:
            p, r, ok, fd, gd = totals(mine, name)
            cells.append(f" | {p:4.2f} {r:4.2f} {ok:>2}/{fd:>2}/{gd:>2}")
        lines.append(f"{'TOTAL ' + group + f' ({len(mine)} articles)':<52}" + "".join(cells))
        lines.append("-" * len(head))
    if details:
        for s in scores:
            for name in FIELDS:
                if s.missed(name):
                    lines.append(f"{s.source_id} {name} missed: {s.missed(name)}")
                if s.extra(name):
                    lines.append(f"{s.source_id} {name} extra:  {s.extra(name)}")
    return "\n".join(lines) + "\n"
