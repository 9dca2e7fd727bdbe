"""The VoID and DCAT 3 description of the published dataset (``void.ttl``).

A dump nobody can find, check or license is not much use: this graph says
what the dataset is, who publishes it under which licences (and whose work
must be attributed), how big it is, which classes and properties it uses,
where its SPARQL endpoint is, and lists every downloadable file with its
media type, size and SHA-256 checksum, so a harvester (data.gov.uk, a
triple-store loader, a reviewer) can fetch and verify the files unattended.

Licences follow the sources: the ontology and everything curated from the
seed articles is CC BY 4.0 (with the articles credited as sources); triples
generated from the ODS/ONS reference files are under the OGL v3.0 with the
reference README's attribution wording; coordinates geocoded with
OpenStreetMap are under the ODbL. Each named graph is a ``void:subset``
carrying its own licences, and the OSM-derived coordinates are a subset of
the reference-data graph of their own.

Every resource here has an IRI minted by :mod:`gdegraph.model.iris` (no blank
nodes) and nothing is read from the clock, so the file is reproducible.

Modules (all under ``gdegraph.publish.dataset_description``): ``description``
(the dataset node, :func:`describe`), ``release`` (the release date),
``subsets`` (one per named graph, with its licences), ``void_statistics``
(counts and partitions), ``distributions`` (the files), ``terms`` (IRIs and
licences) and ``union`` (the triples described).
"""

from __future__ import annotations

from gdegraph.publish.dataset_description.description import describe
from gdegraph.publish.dataset_description.release import release_date
from gdegraph.publish.dataset_description.terms import CC_BY, DATASET, ODBL, OGL

__all__ = ["CC_BY", "ODBL", "OGL", "DATASET", "describe", "release_date"]
