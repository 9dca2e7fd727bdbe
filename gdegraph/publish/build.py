"""``gdegraph build``: the dataset, validated, written as the two dumps every later command reads.

A composition of the stages below it (sources -> validate -> serialise), kept here, above
them, so that no stage calls the one after it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from gdegraph.validate.verdict import validated_store

__all__ = ["BuildResult", "build"]


@dataclass
class BuildResult:
    """What a build wrote and measured; ``str()`` is the report printed to the user."""

    out_dir: Path
    files: list[Path] = field(default_factory=list)
    triples: int = 0
    graphs: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    warnings: int = 0

    def __str__(self) -> str:
        lines = [f"gdegraph build: {self.triples} triples in {len(self.graphs)} named graphs ({self.seconds:.2f} s)"]
        lines += [f"  {name:<12} {count:>6} triples" for name, count in self.graphs.items()]
        lines.append(f"validation: conforms ({self.warnings} warnings)")
        lines += [f"wrote {path}" for path in self.files]
        return "\n".join(lines)



def build(out_dir: Path, shared: Path | None = None, *, engine: str = "sparql") -> BuildResult:
    """Build, validate (SHACL ``engine``: sparql or pyshacl) and write ``gdegraph.ttl``, ``gdegraph.trig``
    and a build report."""
    from gdegraph.core.atomic import replace_in_directory
    from gdegraph.publish.dumps import serialise_all

    from collections import Counter

    started = time.perf_counter()
    store, report = validated_store(shared, engine)
    sizes = Counter(q.graph_name.value for q in store)
    result = BuildResult(out_dir=out_dir, triples=len({q.triple for q in store}))
    result.graphs = {name.rsplit("/", 1)[-1]: sizes[name] for name in sorted(sizes)}
    result.warnings = len(getattr(report, "warnings", []) or [])
    # Sorted, prefix-stable serialisations (gdegraph.publish.dumps), from the store: sorted once for both.
    outputs = serialise_all(store, ("turtle", "trig"))
    result.files = [out_dir / name for name in (*outputs, "build-report.txt")]
    result.seconds = time.perf_counter() - started
    outputs["build-report.txt"] = (str(result) + "\n").encode("utf-8")
    replace_in_directory(out_dir, outputs)  # the old files or the new, never a mix (gdegraph.core.atomic)
    return result
