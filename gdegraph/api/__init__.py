"""The Python API for analysts (re-exported lazily by :mod:`gdegraph`)."""
