"""``python -m gdegraph.cli``: the same as the ``gdegraph`` command, exit status included."""

from gdegraph.cli.main import main

raise SystemExit(main())
