"""How big a synthetic graph to make: scales, and the trust and programme counts behind them."""

from __future__ import annotations

from dataclasses import dataclass

SCALES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
TRUSTS_PER_PROGRAMME = 24  # programmes grow with trusts: about 0.9 memberships per trust


@dataclass(frozen=True)
class SynthConfig:
    """How big a graph to make: trusts and programmes grow together (see :func:`gdegraph.synth.config_for`)."""

    trusts: int
    programmes: int
    seed: int = 0


def parse_scale(text: str) -> int:
    """``10k`` / ``1m`` / ``250000`` -> a triple count."""
    t = text.strip().lower()
    return SCALES.get(t) or int(float(t.rstrip("km")) * {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1))


def for_trusts(trusts: int, seed: int) -> SynthConfig:
    """The configuration with ``trusts`` trusts and the programmes that go with them."""
    return SynthConfig(trusts, max(2, round(trusts / TRUSTS_PER_PROGRAMME)), seed)
