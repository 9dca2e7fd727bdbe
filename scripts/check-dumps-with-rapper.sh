#!/usr/bin/env bash
# check-dumps-with-rapper.sh DIR
#
# Re-parse every RDF dump in DIR (gdegraph publish output, .gz included) with an
# independent parser, raptor2's `rapper` (Debian package raptor2-utils), and check
# it finds exactly as many statements as rdflib does. A dump that only rdflib can
# read, or that rdflib and raptor read differently, fails here rather than in a
# user's triple store. raptor has no JSON-LD parser, so JSON-LD files are
# cross-checked between rdflib and pyoxigraph instead.
#
# Quad syntaxes (TriG, N-Quads) count quads, as `rapper -c` does.
# Exit status: 0 all counts agree; 1 a mismatch or a parse error; 2 usage or setup error.
# The Python used for rdflib/pyoxigraph counts is $PYTHON, else the checkout's
# .venv/bin/python, else python3.
set -euo pipefail

usage() { echo "usage: $0 DIR" >&2; exit 2; }
[ $# -eq 1 ] || usage
[ -d "$1" ] || { echo "$0: $1 is not a directory" >&2; exit 2; }
dir=$(cd "$1" && pwd)
command -v rapper >/dev/null 2>&1 || {
    echo "$0: rapper not found: install raptor2-utils (apt-get install raptor2-utils)" >&2; exit 2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -n "${PYTHON:-}" ]; then py=$PYTHON
elif [ -x "$root/.venv/bin/python" ]; then py="$root/.venv/bin/python"
else py=python3
fi

# One line per RDF file: NAME<TAB>RAPPER_INPUT_NAME (or -)<TAB>GZIPPED<TAB>RDFLIB_COUNT<TAB>OXIGRAPH_COUNT
listing=$(cd "$root" && "$py" - "$dir" <<'EOF'
import gzip, hashlib, sys
from pathlib import Path
from gdegraph.core import mediatypes
from gdegraph.publish.dumps import count_statements

counted = {}  # a .gz holding the same bytes as its plain dump is not parsed twice by Python
for path in sorted(Path(sys.argv[1]).iterdir()):
    fmt, gzipped = mediatypes.by_filename(path.name)
    if path.is_file() and fmt is not None and fmt.rdf and path.name != "context.jsonld":
        data = gzip.decompress(path.read_bytes()) if gzipped else path.read_bytes()
        key = (fmt.name, hashlib.sha256(data).hexdigest())
        if key not in counted:
            oxigraph = count_statements(path, "oxigraph") if fmt.rapper is None else -1
            counted[key] = (count_statements(path), oxigraph)
        print(path.name, fmt.rapper or "-", int(gzipped), *counted[key], sep="\t")
EOF
) || { echo "$0: counting with rdflib failed" >&2; exit 1; }

[ -n "$listing" ] || { echo "$0: no RDF dumps in $dir" >&2; exit 1; }
failed=0
checked=0
while IFS=$'\t' read -r name parser gzipped expected oxigraph; do
    checked=$((checked + 1))
    if [ "$parser" = "-" ]; then
        if [ "$oxigraph" = "$expected" ]; then
            echo "ok   $name: $expected statements (rdflib = pyoxigraph; rapper cannot read this syntax)"
        else
            echo "FAIL $name: rdflib $expected, pyoxigraph $oxigraph"; failed=1
        fi
        continue
    fi
    if [ "$gzipped" = 1 ]; then
        log=$(gzip -dc "$dir/$name" | rapper -c -i "$parser" - "https://w3id.org/gdegraph/" 2>&1) && rc=0 || rc=$?
    else
        log=$(rapper -c -i "$parser" "$dir/$name" 2>&1) && rc=0 || rc=$?
    fi
    got=$(printf '%s\n' "$log" | sed -n 's/^rapper: Parsing returned \([0-9][0-9]*\) .*/\1/p' | tail -n 1)
    if [ "$rc" -ne 0 ] || printf '%s\n' "$log" | grep -q -e '^rapper: Error' -e '^rapper: Warning'; then
        echo "FAIL $name: rapper reported problems (exit $rc):"; printf '%s\n' "$log" | sed 's/^/     /'
        failed=1
    elif [ "$got" != "$expected" ]; then
        echo "FAIL $name: rapper ${got:-?} statements, rdflib $expected"; failed=1
    else
        echo "ok   $name: $expected statements (rapper = rdflib)"
    fi
done <<< "$listing"

echo "$checked files checked: $([ "$failed" -eq 0 ] && echo 'all counts agree' || echo 'MISMATCH')"
exit "$failed"
