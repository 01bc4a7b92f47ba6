#!/usr/bin/env python3
"""derive_gold.py SET: SET/gold-scored.json, the gold without the points, traps and routes
whose position the helper did not know (``score_build.py`` needs numbers)."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> None:
    folder = Path(sys.argv[1])
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    for key in ("points", "facilities", "must_not"):
        gold[key] = [
            p for p in gold.get(key, []) if p.get("lat") is not None and p.get("lon") is not None
        ]
    gold["routes"] = [
        r
        for r in gold.get("routes", [])
        if all(w[0] is not None and w[1] is not None for w in r["waypoints"])
    ]
    text = json.dumps(gold, ensure_ascii=False, indent=1)
    (folder / "gold-scored.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
