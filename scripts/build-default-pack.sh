#!/usr/bin/env bash
# Rebuilds a model pack end to end with the project's own verbs:
#   corpus -> init-pack -> extract -> train-sae -> label-features -> calibrate (seed train: dense readouts, two
#   operating points) -> eval (seed dev, the batch-disjoint dev batches, and ../shared/eval/external-dev.jsonl with
#   its long-context, union-FPR and conversation figures; external-dev is for choosing and reporting only).
# Defaults build model-packs/default as committed; every knob is an environment variable:
#   READER (all-minilm-l6-v2-q) LAYER (3) TOKENS (1000000) D_SAE (4096) K (32) LR (0.002) BATCH (1024)
#   TOP_N (256) LABEL_TEXTS (800) VERSION (0.6.0) OUT (model-packs/default) WORK (target/build-pack) THREADS (CPU cores)
#   SKIP_LABEL=1 skips feature cards (the reader/layer comparison does), KEEP_ACTS=1 reuses an extracted .npy,
#   REUSE_SAE=DIR takes the SAE from an existing pack instead of extracting and training one (heads, labels and
#   thresholds are rebuilt on it: what 0.3.0 did over 0.2.0's SAE).
#   HEAD (readout | sparse) READOUT_C (0.05) KEEP_POSITIVE (0.34) PAGE_FPR (0.01)
#   SEG_WIDTH (64 readout, 32 sparse) SEG_STRIDE (16 readout, 8 sparse) MAX_FEATURES (32, sparse) MAX_BENIGN_SHARE (0.5)
#   BENIGN_DOCS (1500) BENIGN_CONCAT (3,6)
#   DENSE=1 also fits eval's dense head (a full uncapped calibration: slow on a shared 2-core machine)
set -euo pipefail
cd "$(dirname "$0")/.."
READER=${READER:-all-minilm-l6-v2-q}
LAYER=${LAYER:-3}
TOKENS=${TOKENS:-1000000}
D_SAE=${D_SAE:-4096}
K=${K:-32}
LR=${LR:-0.002}
BATCH=${BATCH:-1024}
TOP_N=${TOP_N:-256}
HEAD=${HEAD:-readout}
READOUT_C=${READOUT_C:-0.05}
KEEP_POSITIVE=${KEEP_POSITIVE:-0.34}
PAGE_FPR=${PAGE_FPR:-0.01}
if [ "$HEAD" = readout ]; then SEG_WIDTH=${SEG_WIDTH:-64}; SEG_STRIDE=${SEG_STRIDE:-16}; else SEG_WIDTH=${SEG_WIDTH:-32}; SEG_STRIDE=${SEG_STRIDE:-8}; fi
MAX_FEATURES=${MAX_FEATURES:-32}
MAX_BENIGN_SHARE=${MAX_BENIGN_SHARE:-0.5}
BENIGN_DOCS=${BENIGN_DOCS:-1500}
LABEL_TEXTS=${LABEL_TEXTS:-800}
BENIGN_CONCAT=${BENIGN_CONCAT:-3,6}
VERSION=${VERSION:-0.6.0}
OUT=${OUT:-model-packs/default}
WORK=${WORK:-target/build-pack}
THREADS=${THREADS:-$(nproc)}
NAME=${NAME:-$(basename "$OUT")}

if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || ./mvnw -B -o -q package -DskipTests
cli() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx10g -jar "$JAR" "$@"; }

[ -n "$(ls data/corpus/*.txt 2>/dev/null)" ] || scripts/fetch-corpus.sh
mkdir -p "$WORK"
# one deterministic shuffle of all shards: the head feeds extract, disjoint tails the feature cards, the
# benign corpus of calibration (long benign documents, context for embedded positives) and the long-context dev set
python3 -c '
import glob, random, sys
lines = [l for f in sorted(glob.glob("data/corpus/*.txt")) for l in open(f, encoding="utf-8").read().split("\n") if l.strip()]
random.Random(7).shuffle(lines)
n = int(sys.argv[1])
rest = lines[:-n]
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(rest) + "\n")
open(sys.argv[3], "w", encoding="utf-8").write("\n".join(lines[-n:]) + "\n")
open(sys.argv[4], "w", encoding="utf-8").write("\n".join(rest[-4000:-1000]) + "\n")
open(sys.argv[5], "w", encoding="utf-8").write("\n".join(rest[-1000:]) + "\n")
' "$LABEL_TEXTS" "$WORK/train-corpus.txt" "$WORK/label-corpus.txt" "$WORK/calib-corpus.txt" "$WORK/eval-corpus.txt"
python3 scripts/make-long-dev.py data/seed/dev.jsonl "$WORK/eval-corpus.txt" data/seed/short_dev.jsonl "$WORK/dev-long.jsonl"

PACK=$WORK/pack
rm -rf "$PACK"
if [ -n "${REUSE_SAE:-}" ]; then
  cp -r "$REUSE_SAE" "$PACK"
else
  cli init-pack -o "$PACK" --name "$NAME" --reader "$READER" --layer "$LAYER"
  ACTS=$WORK/acts-$READER-$LAYER
  if [ "${KEEP_ACTS:-0}" != 1 ] || [ ! -f "$ACTS.npy" ]; then
    cli extract --pack "$PACK" --threads "$THREADS" -f "$WORK/train-corpus.txt" --max-tokens "$TOKENS" -o "$ACTS"
  fi
  cli train-sae --activations "$ACTS.npy" -o "$PACK/sae" --architecture topk --d-sae "$D_SAE" --k "$K" \
    --lr "$LR" --batch "$BATCH" --epochs 1 --threads "$THREADS" --seed 1 > "$WORK/training.json"
fi
if [ "${SKIP_LABEL:-0}" != 1 ]; then
  cli label-features --pack "$PACK" --threads "$THREADS" -f "$WORK/label-corpus.txt" --max-texts "$LABEL_TEXTS" \
    --data data/seed/train.jsonl
fi
cli calibrate --pack "$PACK" --threads "$THREADS" --data data/seed/train.jsonl data/seed/short_train.jsonl \
  --benign-corpus "$WORK/calib-corpus.txt" --benign-docs "$BENIGN_DOCS" --target-fpr 0.05 --page-fpr "$PAGE_FPR" \
  --head "$HEAD" --readout-c "$READOUT_C" --keep-positive "$KEEP_POSITIVE" --top-n "$TOP_N" \
  --max-features "$MAX_FEATURES" --max-benign-share "$MAX_BENIGN_SHARE" --segment-width "$SEG_WIDTH" \
  --segment-stride "$SEG_STRIDE" --benign-concat "$BENIGN_CONCAT" --encoded-cache "$WORK/calibration.enc" \
  --pack-version "$VERSION" --no-conversations > "$WORK/calibration.json"
# CONV_HEAD=1: a conversation head over the event heads just fitted. Off for the default pack: a head at its own,
# stricter threshold can leave unflagged a conversation whose turns flag as events (docs/training.md)
if [ "${CONV_HEAD:-0}" = 1 ]; then
  cli calibrate --pack "$PACK" --threads "$THREADS" --conversations-only --conversations data/seed/conversations_train.jsonl \
    --conversation-cache "$WORK/conv-train.enc" --target-fpr "${CONV_TARGET_FPR:-0.025}" > "$WORK/calibration-conversations.json"
fi
# dev split (+ short chat messages), then the batch-disjoint dev batches, then the long-context dev set; then the
# independently written external-dev set with its own long-context and joined-benign rows (eval builds them from the
# set's own items) and conversations made of its items (scripts/make-external-conversations.py, under target/ only).
# --text-cache keeps the evaluated texts' codes (keyed by reader, SAE and texts) for re-runs.
cli eval --pack "$PACK" --threads "$THREADS" --data data/seed/dev.jsonl data/seed/short_dev.jsonl \
  --text-cache "$WORK/eval-dev.enc" --json-out "$WORK/eval-dev.json" | tee "$WORK/eval-dev.txt"
cli eval --pack "$PACK" --threads "$THREADS" --data data/seed/dev_batches.jsonl \
  --text-cache "$WORK/eval-dev-batches.enc" --json-out "$WORK/eval-dev-batches.json" | tee "$WORK/eval-dev-batches.txt"
cli eval --pack "$PACK" --threads "$THREADS" --data "$WORK/dev-long.jsonl" --context-sizes 1 \
  --text-cache "$WORK/eval-dev-long.enc" --json-out "$WORK/eval-dev-long.json" | tee "$WORK/eval-dev-long.txt"
cli eval --pack "$PACK" --threads "$THREADS" --data data/seed/conversations_dev.jsonl \
  --json-out "$WORK/eval-conversations-dev.json" | tee "$WORK/eval-conversations-dev.txt"
EXTERNAL=${EXTERNAL:-../shared/eval/external-dev.jsonl}
if [ -f "$EXTERNAL" ]; then
  cli eval --pack "$PACK" --threads "$THREADS" --data "$EXTERNAL" --text-cache "$WORK/eval-external.enc" \
    --json-out "$WORK/eval-external.json" | tee "$WORK/eval-external.txt"
  python3 scripts/make-external-conversations.py "$EXTERNAL" "$WORK/external-conversations.jsonl"
  cli eval --pack "$PACK" --threads "$THREADS" --data "$WORK/external-conversations.jsonl" \
    --json-out "$WORK/eval-external-conversations.json" | tee "$WORK/eval-external-conversations.txt"
fi
rm -rf "$OUT"
mkdir -p "$(dirname "$OUT")"
cp -r "$PACK" "$OUT"
echo "pack -> $OUT (training: $WORK/training.json, dev eval: $WORK/eval-dev.json)" >&2
