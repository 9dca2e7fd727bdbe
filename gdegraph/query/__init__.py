"""The named SPARQL query library, its parameters, and pushing the graph to an endpoint."""
