#!/usr/bin/env bash
# Rebuilds a model pack end to end with the project's own verbs:
#   corpus -> init-pack -> extract -> train-sae -> label-features -> calibrate (seed train) -> eval (seed dev).
# Defaults build model-packs/default as committed; every knob is an environment variable:
#   READER (all-minilm-l6-v2-q) LAYER (3) TOKENS (1000000) D_SAE (4096) K (32) LR (0.002) BATCH (1024)
#   TOP_N (1024) LABEL_TEXTS (800) VERSION (0.2.0) OUT (model-packs/default) WORK (target/build-pack) THREADS (CPU cores)
#   SKIP_LABEL=1 skips feature cards (the reader/layer comparison does), KEEP_ACTS=1 reuses an extracted .npy.
set -euo pipefail
cd "$(dirname "$0")/.."
READER=${READER:-all-minilm-l6-v2-q}
LAYER=${LAYER:-3}
TOKENS=${TOKENS:-1000000}
D_SAE=${D_SAE:-4096}
K=${K:-32}
LR=${LR:-0.002}
BATCH=${BATCH:-1024}
TOP_N=${TOP_N:-1024}
LABEL_TEXTS=${LABEL_TEXTS:-800}
VERSION=${VERSION:-0.2.0}
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
# one deterministic shuffle of all shards: the head feeds extract, a disjoint tail the feature cards
python3 -c '
import glob, random, sys
lines = [l for f in sorted(glob.glob("data/corpus/*.txt")) for l in open(f, encoding="utf-8").read().split("\n") if l.strip()]
random.Random(7).shuffle(lines)
n = int(sys.argv[1])
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(lines[:-n]) + "\n")
open(sys.argv[3], "w", encoding="utf-8").write("\n".join(lines[-n:]) + "\n")
' "$LABEL_TEXTS" "$WORK/train-corpus.txt" "$WORK/label-corpus.txt"

PACK=$WORK/pack
rm -rf "$PACK"
cli init-pack -o "$PACK" --name "$NAME" --reader "$READER" --layer "$LAYER"
ACTS=$WORK/acts-$READER-$LAYER
if [ "${KEEP_ACTS:-0}" != 1 ] || [ ! -f "$ACTS.npy" ]; then
  cli extract --pack "$PACK" --threads "$THREADS" -f "$WORK/train-corpus.txt" --max-tokens "$TOKENS" -o "$ACTS"
fi
cli train-sae --activations "$ACTS.npy" -o "$PACK/sae" --architecture topk --d-sae "$D_SAE" --k "$K" \
  --lr "$LR" --batch "$BATCH" --epochs 1 --threads "$THREADS" --seed 1 > "$WORK/training.json"
if [ "${SKIP_LABEL:-0}" != 1 ]; then
  cli label-features --pack "$PACK" --threads "$THREADS" -f "$WORK/label-corpus.txt" --max-texts "$LABEL_TEXTS"
fi
cli calibrate --pack "$PACK" --threads "$THREADS" --data data/seed/train.jsonl --target-fpr 0.05 --top-n "$TOP_N" --pack-version "$VERSION" \
  > "$WORK/calibration.json"
cli eval --pack "$PACK" --threads "$THREADS" --data data/seed/dev.jsonl --probe-train data/seed/train.jsonl \
  --json-out "$WORK/eval-dev.json" | tee "$WORK/eval-dev.txt"
rm -rf "$OUT"
mkdir -p "$(dirname "$OUT")"
cp -r "$PACK" "$OUT"
echo "pack -> $OUT (training: $WORK/training.json, dev eval: $WORK/eval-dev.json)" >&2
