"""Validation: SHACL shapes (compiled to SPARQL, or pySHACL) and the QC queries, with reports."""
