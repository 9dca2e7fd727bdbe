"""How fast `gdegraph extract` reads a long text: a ~3 MB article in under 10 s is the target.

The text is the twelve shared articles (seeds and sources) repeated to the size asked,
each copy with a different misspelling in every trust-like line (one letter changed), so
the gazetteer's cache does not answer for the copies and every name is resolved afresh,
fuzzily where it must be. Run ``python -m bench.extract_speed [--mb 3]``; ``bench.run``
calls :func:`measure` in its "extract" section.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gdegraph.core import paths  # noqa: E402


def long_text(megabytes: float, shared: Path | None = None) -> str:
    """The shared articles repeated to ``megabytes``, one letter misspelt per copy and line."""
    shared = Path(shared) if shared else paths.shared_dir()
    base = [p.read_text(encoding="utf-8") for p in sorted((shared / "seeds").glob("*.txt"))
            + sorted((shared / "sources").glob("*.txt"))]
    rng = random.Random(7)
    out: list[str] = []
    size = 0
    while size < megabytes * 1e6:
        for article in base:
            lines = []
            for line in article.replace("Subscribe", "Sub-scribe").splitlines():
                letters = [i for i, c in enumerate(line) if c.islower()]
                if "Trust" in line and letters:
                    i = rng.choice(letters)
                    line = line[:i] + rng.choice("aeioun") + line[i + 1:]
                lines.append(line)
            piece = "\n".join(lines) + "\n\n"
            out.append(piece)
            size += len(piece.encode("utf-8"))
    return "".join(out)


def measure(megabytes: float = 3.0) -> dict[str, float]:
    """Seconds to extract from a text of ``megabytes`` (gazetteer loading not counted)."""
    from gdegraph.curate.extract import extract_article, parse_article
    from gdegraph.curate.extract.commands import load_gazetteer

    text = long_text(megabytes)
    gazetteer = load_gazetteer(reference_only=True)
    started = time.perf_counter()
    ex = extract_article(parse_article(text), gazetteer, "speed", "2018")
    seconds = time.perf_counter() - started
    mb = len(text.encode("utf-8")) / 1e6
    return {"megabytes": round(mb, 2), "seconds": round(seconds, 2), "mb_per_s": round(mb / seconds, 3),
            "memberships": len(ex.memberships), "pairings": len(ex.pairings), "amounts": len(ex.amounts),
            "target_seconds": 10.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extract_speed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=3.0, help="size of the text in megabytes")
    args = parser.parse_args(argv)
    result = measure(args.mb)
    print(f"extract: {result['megabytes']} MB in {result['seconds']} s ({result['mb_per_s']} MB/s; target < 10 s); "
          f"{result['memberships']} memberships, {result['pairings']} pairings, {result['amounts']} amounts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
