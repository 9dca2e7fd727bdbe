"""gdegraph: a sourced knowledge graph of the English NHS digital-transformation programmes.

The public Python API is the names below (documented in the README's "Python
API" section); every submodule is private by convention. A short session::

    import gdegraph
    kg = gdegraph.load()                                  # built graph, or build it
    kg.query("followers-of", exemplar="RQ6").to_dataframe()
    g = kg.network()                                      # networkx, as `gdegraph network`

Importing the package is deliberately cheap: each public name is imported
from its module on first use (module ``__getattr__``, PEP 562), so rdflib,
pyoxigraph, pyshacl, networkx and pandas load only when a call needs them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

#: Public name -> the module that defines it.
_EXPORTS = {
    **dict.fromkeys(("KnowledgeGraph", "analyse_network", "load", "plot_network", "queries", "remote", "resolve"),
                    "gdegraph.api.functions"),
    **dict.fromkeys(("IRI", "Rows"), "gdegraph.api.types"),
    **dict.fromkeys(("Claim", "PairingAnswer", "QueryInfo", "QueryParam", "Source", "Stats"), "gdegraph.api.records"),
    **dict.fromkeys(("Candidate", "Resolution"), "gdegraph.sources.gazetteer"),
    **dict.fromkeys(("PushReport", "push_built"), "gdegraph.query.push"),
    "GdeError": "gdegraph.core.errors",
}

__all__ = ["Candidate", "Claim", "GdeError", "IRI", "KnowledgeGraph", "PairingAnswer", "PushReport", "QueryInfo", "QueryParam",
           "Resolution", "Rows", "Source", "Stats", "__version__", "analyse_network", "load", "plot_network",
           "push_built", "queries", "remote", "resolve"]

if TYPE_CHECKING:  # for type checkers and editors; at run time __getattr__ does the importing
    from gdegraph.api.functions import KnowledgeGraph, analyse_network, load, plot_network, queries, remote, resolve
    from gdegraph.api.records import Claim, PairingAnswer, QueryInfo, QueryParam, Source, Stats
    from gdegraph.api.types import IRI, Rows
    from gdegraph.core.errors import GdeError
    from gdegraph.sources.gazetteer import Candidate, Resolution
    from gdegraph.query.push import PushReport, push_built


def __getattr__(name: str) -> Any:
    """Import a public name's module the first time the name is used."""
    if name == "__version__":
        from gdegraph.core.version import package_version

        globals()[name] = package_version()
        return globals()[name]
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gdegraph' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*(n for n in globals() if n.startswith("__")), *__all__})
