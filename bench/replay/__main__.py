"""``python -m bench.replay``: see ``bench/replay/__init__.py`` and ``bench/README.md``."""

import sys

from bench.replay.cli import main

sys.exit(main())
