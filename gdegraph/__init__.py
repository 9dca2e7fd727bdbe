"""gdegraph: a sourced knowledge graph of the English NHS digital-transformation programmes.

Importing the package is deliberately cheap: heavy libraries (rdflib, pyshacl,
networkx) are imported only by the modules that need them.
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("gdegraph")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"
