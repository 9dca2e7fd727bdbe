"""``python -m gdegraph.synth --triples 100k --seed 0 --out F``: write one synthetic graph."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

import gdegraph.synth
from gdegraph.synth.config import parse_scale
from gdegraph.synth.dataset import config_for, write


def main(argv: Iterable[str] | None = None) -> int:
    """Parse the command line, write the graph and say how big it came out."""
    summary = (gdegraph.synth.__doc__ or "").split("\n\n")[0]
    parser = argparse.ArgumentParser(prog="python -m gdegraph.synth", description=summary)
    parser.add_argument("--triples", default="10k", help="about how many triples: 10k, 100k, 1m or a number")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="output file: .nq (quads) or .nt (triples)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    config = config_for(parse_scale(args.triples), args.seed)
    count = write(args.out, config)
    print(f"{args.out}: {count} statements ({config.trusts} trusts, {config.programmes} programmes, seed {args.seed})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
