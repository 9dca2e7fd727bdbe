"""The graph's vocabulary in Python: IRI minting, trust names, the JSON-LD context, geography."""
