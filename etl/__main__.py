"""``python -m etl`` is the same as the ``atlas`` console script."""

from __future__ import annotations

import sys

from etl.cli import main

sys.exit(main())
