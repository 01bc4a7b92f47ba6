#!/usr/bin/env python3
"""cmp.py SET A B: the gold-near (document, name) points of SET/build-A with no point of
SET/build-B within 5 km in the same document: what B lost."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from flag import anchors, hav, near, town_points


def main() -> None:
    folder, a, b = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    marks = anchors(json.loads((folder / "gold.json").read_text(encoding="utf-8")))
    before, after = town_points(folder / f"build-{a}"), town_points(folder / f"build-{b}")
    kept = lost = 0
    for (doc, name), (lat, lon, quote, _layer) in sorted(before.items()):
        if not near(lat, lon, doc, marks, least_km=15):
            continue
        if any(d == doc and hav(lat, lon, la, lo) <= 5 for (d, _), (la, lo, *_) in after.items()):
            kept += 1
        else:
            lost += 1
            print(f"{doc}\t{name}\t{quote[:200]}")
    print(f"-- {folder.name} gold-near {a} -> {b}: {kept + lost}, lost {lost}")


if __name__ == "__main__":
    main()
