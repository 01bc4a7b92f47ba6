#!/bin/bash
# mk.sh NN "TOPIC": make held-out set NN's empty folder and its helper's prompt.
# The sets live outside the repository, in $REALNEWS (default /work/scratch): other
# people's sentences never enter the project.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REALNEWS=${REALNEWS:-/work/scratch}
NN=$1; TOPIC=$2; S=$REALNEWS/realnews-holdout$NN
mkdir -p "$S/articles"
# every URL a set has used so far (this list, and the sets on this machine)
shopt -s nullglob  # a machine with no set yet has no urls.txt to read
{ cat "$HERE/used_urls.txt"; for f in "$REALNEWS"/realnews-holdout*/urls.txt; do cut -f2 "$f"; done; } \
  | sort -u > "$REALNEWS/used_urls.txt"
sed -e "s|SETDIR|$S|g" -e "s|^TOPIC$|$TOPIC|" "$HERE/blind_prompt.md" > "$REALNEWS/prompt$NN.md"
cat >> "$REALNEWS/prompt$NN.md" <<EOT

This set: SETDIR = $S (it exists, with an empty articles/ folder). Do not use any page whose URL is
listed in $REALNEWS/used_urls.txt (other sets running now may add pages you cannot see; that is
fine). Finish within about 15-20 minutes.
EOT
echo "$REALNEWS/prompt$NN.md"
