#!/bin/bash
# dbg.sh 'text' [REPO]: build one made-up article and print its points, lines and unresolved rows
R=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
D=$(mktemp -d); mkdir "$D/c"; printf '%s\n' "$1" > "$D/c/a.txt"
( cd "$R" && .venv/bin/python -m etl build --full --workers 1 --corpus "$D/c" --out "$D/b" >/dev/null 2>&1 )
python3 - "$D/b" <<'PY'
import csv, json, sys
b = sys.argv[1]
for layer in ("places", "facilities"):
    for f in json.load(open(f"{b}/{layer}.geojson"))["features"]:
        p = f["properties"]
        print(layer, p["name"], p["type"], p["precision"], f["geometry"]["coordinates"], p["aliases"])
for layer in ("railways", "roads", "pipelines", "power_lines", "corridors"):
    for f in json.load(open(f"{b}/{layer}.geojson"))["features"]:
        p = f["properties"]
        print("LINE", layer, p["name"], p["type"], p["precision"], p["id"])
for r in csv.DictReader(open(f"{b}/unresolved.csv")):
    print("UNRESOLVED", r["mention"], "|", r["reason"], "|", r.get("candidates", "")[:100])
PY
rm -rf "$D"
