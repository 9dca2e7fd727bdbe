"""The store interface: one API over pyoxigraph, rdflib and remote SPARQL endpoints."""
