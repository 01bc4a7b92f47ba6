"""China–Central Asia Atlas ETL: news text in, map layers out."""

from __future__ import annotations

__version__ = "0.1.0"
