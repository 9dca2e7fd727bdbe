"""``python -m gdegraph.cli``: the same as the ``gdegraph`` command."""

from gdegraph.cli.main import main

main()
