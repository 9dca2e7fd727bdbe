"""The ``gdegraph`` command line: thin commands over the library."""
