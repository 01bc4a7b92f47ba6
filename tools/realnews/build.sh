#!/bin/bash
# build.sh SETDIR REPO TAG: build SETDIR/articles with the code checked out in REPO (a
# worktree of the commit to measure, with .venv) into SETDIR/build-TAG, then score it
# against the set's gold (points of unknown position left out: derive_gold.py).
HERE=$(cd "$(dirname "$0")" && pwd)
S=$1; R=$2; T=$3
CACHE=${ATLAS_CACHE_DIR:-$R/geodata/cache}
python3 "$HERE/derive_gold.py" "$S"
rm -rf "$S/build-$T"
( cd "$R" && ATLAS_CACHE_DIR=$CACHE .venv/bin/python -m etl build --full --workers 1 \
    --corpus "$S/articles" --out "$S/build-$T" ) > "$S/build-$T.log" 2>&1 \
  || { echo "build failed: $S $T"; tail -3 "$S/build-$T.log"; }
python3 "$HERE/../../../shared/tools/score_build.py" "$S/build-$T" "$S/gold-scored.json" > "$S/score-$T.txt" 2>&1 \
  || true
echo "$(basename "$S") $T: $(tail -1 "$S/score-$T.txt")"
