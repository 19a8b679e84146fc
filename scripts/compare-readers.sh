#!/usr/bin/env bash
# Cheap reader/layer comparison behind the default pack's choice: for each READER:LAYER, a
# TOKENS-token corpus slice, a D_SAE/K TopK SAE, heads calibrated on seed train, eval on seed dev.
# Results land in target/compare/<reader>-<layer>/ (eval-dev.txt, training.json, extract.log).
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIGS=${CONFIGS:-"all-minilm-l6-v2-q:3 all-minilm-l6-v2-q:5 all-minilm-l6-v2:3 bge-small-en-v15-q:6 bge-small-en-v15-q:10"}
for c in $CONFIGS; do
  r=${c%%:*}; l=${c##*:}
  w=target/compare/$r-$l
  mkdir -p "$w"
  READER=$r LAYER=$l TOKENS=${TOKENS:-300000} D_SAE=${D_SAE:-2048} K=${K:-32} SKIP_LABEL=1 KEEP_ACTS=1 \
    WORK=$w OUT=$w/out VERSION=compare scripts/build-default-pack.sh 2> "$w/log.txt" > /dev/null
  grep -E "tokens/s" "$w/log.txt" | grep -E "\-> .*npy" | tail -1 | sed "s|^|$c extract: |"
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sys.argv[2], 'train: %.0f tok/s fve %.3f L0 %.1f dead %.3f' % (d['tokensPerSecond'], d['fve'], d['l0'], d['deadFraction']))" "$w/training.json" "$c"
  cat "$w/eval-dev.txt"
done
