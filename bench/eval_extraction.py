"""Score `gdegraph extract` against the gold annotations in tests/gold/ (see
gdegraph/curate/evaluate.py): precision and recall per field (trusts, memberships
with role, pairings with status, amounts with qualifier and allocation) on the
seven real articles in ../shared/sources/ and on the five seeds.

    python -m bench.eval_extraction [--shared DIR] [--gold DIR] [--details]

The gazetteer is built from the reference data only, so nothing a curator wrote
helps. Tests import :func:`run`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gdegraph.core import paths  # noqa: E402
from gdegraph.curate.evaluate import evaluate_gold, format_scores  # noqa: E402

GOLD = ROOT / "tests" / "gold"


def run(shared: Path | None = None, gold: Path = GOLD) -> list:
    """Every gold article extracted and scored."""
    from gdegraph.curate.extract.commands import curated_graph, load_gazetteer

    shared = Path(shared) if shared else paths.shared_dir()
    gazetteer = load_gazetteer(reference_only=True, refdata=shared / "refdata")
    return evaluate_gold(gold, shared, curated_graph(), gazetteer)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.eval_extraction", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=None, help="folder holding seeds/, sources/ and refdata/")
    parser.add_argument("--gold", type=Path, default=GOLD, help="folder of gold JSON files")
    parser.add_argument("--details", action="store_true", help="list missed and extra facts")
    args = parser.parse_args(argv)
    print(format_scores(run(args.shared, args.gold), args.details), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
