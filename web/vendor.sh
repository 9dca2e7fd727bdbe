#!/bin/sh
# Copy the pinned front-end libraries from npm into gdegraph/site/static/vendor/ (run by `make vendor`).
# The copies are committed, so building or serving the site never needs npm or the network.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
vendor="$here/../gdegraph/site/static/vendor"
cd "$here"
npm ci --no-audit --no-fund --ignore-scripts
m=node_modules
mkdir -p "$vendor/images"
cp $m/@zazuko/yasgui/build/yasgui.min.js $m/@zazuko/yasgui/build/yasgui.min.css "$vendor/"
cp $m/minisearch/dist/umd/index.js "$vendor/minisearch.js"
cp $m/leaflet/dist/leaflet.js $m/leaflet/dist/leaflet.css "$vendor/"
cp $m/leaflet/dist/images/*.png "$vendor/images/"
cp $m/cytoscape/dist/cytoscape.min.js "$vendor/"
# oxigraph (SPARQL in the browser, for the static site opened from disk): as classic scripts, see classic-oxigraph.mjs.
node "$here/classic-oxigraph.mjs" $m/oxigraph "$vendor/oxigraph.js" "$vendor/oxigraph-wasm.js"
# Source-map comments point at files we do not ship; drop them so browsers do not ask for them.
for f in "$vendor"/*.js "$vendor"/*.css; do sed -i -e 's#^//\# sourceMappingURL=.*$##' -e 's#/\*\# sourceMappingURL=[^*]*\*/##' "$f"; done
cp $m/leaflet/LICENSE "$vendor/LICENSE-leaflet.txt"
cp $m/cytoscape/LICENSE "$vendor/LICENSE-cytoscape.txt"
cp $m/minisearch/LICENSE.txt "$vendor/LICENSE-minisearch.txt"
cp $m/codemirror/LICENSE "$vendor/LICENSE-codemirror.txt"
# @zazuko/yasgui ships no licence file: LICENSE-yasgui.txt (MIT, from its package.json) is kept by hand;
# so does oxigraph: LICENSE-oxigraph.txt (MIT OR Apache-2.0, from its package.json) is kept by hand too.
