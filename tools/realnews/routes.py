"""routes.py SET TAG: every gold route of SET that build-TAG misses, with the nearest line.

For each missed route (score_build's test: one line passes within each waypoint's tolerance)
it prints the set, the document, the gold name, the layer, name and precision of the line that
comes closest (fewest waypoints out of tolerance, then the smallest worst distance), and each
waypoint's distance to it in km: a registry line drawn off the way, a route never drawn, or a
gold waypoint that is a guess. Reads ../shared/tools/score_build.py for its geometry helpers.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

SCORER = Path(__file__).resolve().parents[3] / "shared" / "tools" / "score_build.py"


def _scorer():
    spec = importlib.util.spec_from_file_location("score_build", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    set_dir, tag = Path(sys.argv[1]), sys.argv[2]
    sb = _scorer()
    gold = json.loads((set_dir / "gold-scored.json").read_text(encoding="utf-8"))
    lines = [
        (layer, ft, line)
        for layer, ft in sb.load(str(set_dir / f"build-{tag}"))
        for line in sb.lines_of(ft["geometry"])
    ]
    for route in gold.get("routes", []):
        best = None
        for layer, ft, line in lines:
            kms = [sb.dist_to_line(w[0], w[1], line) for w in route["waypoints"]]
            out = sum(d > w[2] for d, w in zip(kms, route["waypoints"], strict=True))
            key = (out, max(kms))
            if best is None or key < best[0]:
                props = ft["properties"]
                best = (key, layer, props.get("name"), props.get("precision"), kms)
        if best is not None and best[0][0] == 0:
            continue  # found
        nearest = (
            "no line"
            if best is None
            else (f"{best[1]} | {best[2]} | {best[3]} | km {[round(d) for d in best[4]]}")
        )
        print(f"{set_dir.name}\t{route.get('doc')}\t{route['name']}\t{nearest}")


if __name__ == "__main__":
    main()
