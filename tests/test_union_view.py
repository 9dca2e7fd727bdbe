"""The union of a dataset's named graphs is a read-only view over the dataset's store, not a copy."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from gdegraph.sources.dataset import UnionGraph, union

A, B, C = (URIRef(f"https://example.org/{x}") for x in "abc")


def _dataset() -> Dataset:
    ds = Dataset()
    ds.graph(URIRef("urn:g1")).add((A, RDFS.label, Literal("a")))
    ds.graph(URIRef("urn:g2")).add((A, RDFS.label, Literal("a")))  # the same triple in a second graph
    ds.graph(URIRef("urn:g2")).add((B, RDFS.seeAlso, C))
    return ds


def test_each_triple_once_with_patterns_len_and_membership() -> None:
    view = union(_dataset())
    assert isinstance(view, UnionGraph)
    assert sorted(view) == sorted([(A, RDFS.label, Literal("a")), (B, RDFS.seeAlso, C)])
    assert len(view) == 2
    assert (B, RDFS.seeAlso, C) in view and (C, RDFS.seeAlso, B) not in view
    assert list(view.objects(B, RDFS.seeAlso)) == [C]
    assert list(view.subjects(RDFS.seeAlso / RDFS.label, None)) == []  # property paths are evaluated too


def test_follows_the_dataset_and_refuses_writes() -> None:
    ds = _dataset()
    view = union(ds)
    ds.graph(URIRef("urn:g3")).add((C, RDFS.label, Literal("3", datatype=XSD.integer)))
    assert view.value(C, RDFS.label) == Literal("3", datatype=XSD.integer) and len(view) == 3
    with pytest.raises(TypeError, match="read-only"):
        view.add((A, RDFS.comment, Literal("x")))
    with pytest.raises(TypeError, match="read-only"):
        view.remove((A, None, None))


def test_a_plain_graph_is_its_own_union() -> None:
    g = _dataset().graph(URIRef("urn:g1"))
    assert union(g) is g
