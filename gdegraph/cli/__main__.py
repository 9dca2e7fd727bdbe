"""``python -m gdegraph.cli``: the same as the ``gdegraph`` command, exit status included."""

import sys

from gdegraph.cli.main import main

sys.exit(main())
