"""Baseline for cold ``gdegraph query``: a bare script that only imports pyoxigraph.

It loads the same dump, runs the same (already parameter-bound) query text
over the union of the named graphs and prints the results as TSV, which is
what ``gdegraph query NAME --data FILE --format tsv`` does, so the ratio of
the two is what gdegraph's start-up (imports, query library, parameter
binding, formatting) costs on top of the engine.

    python bench/bare_query.py dist/gdegraph.trig query.rq
"""

import sys

import pyoxigraph

store = pyoxigraph.Store()
store.bulk_load(path=sys.argv[1], format=pyoxigraph.RdfFormat.TRIG)
with open(sys.argv[2], encoding="utf-8") as f:
    answer = store.query(f.read(), use_default_graph_as_union=True)
sys.stdout.buffer.write(answer.serialize(format=pyoxigraph.QueryResultsFormat.TSV))
