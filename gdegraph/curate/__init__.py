"""Curation: extracting candidates from new articles and comparing them with the graph."""
