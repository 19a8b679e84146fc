#!/usr/bin/env bash
# CI's container preparation, run in the background while Maven compiles and runs the unit tests (.ci/run):
# the engine (engine.sh), the local base image (base-image.sh) and the jlink runtime (images.sh jre). Writes its
# state to target/docker/prepare.status: "running <pid>", then "ok" or "failed: <step>"; images.sh waits for it.
# Each step's time goes to target/docker/times.txt. Never fails the caller: the container tests skip and say why.
cd "$(dirname "$0")/../.."
OUT=target/docker
mkdir -p "$OUT"
STATUS=$OUT/prepare.status
echo "running $$" > "$STATUS"
step() { # name, command...
  local name=$1 t0 t1; shift
  t0=$(date +%s.%N)
  if "$@"; then
    t1=$(date +%s.%N)
    echo "$(date -u +%FT%TZ) $name $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s" >> "$OUT/times.txt"
    return 0
  fi
  echo "failed: $name" > "$STATUS"
  echo "prepare: $name failed; the container tests will skip and say why" >&2
  exit 0
}
step engine scripts/docker/engine.sh
step base-image scripts/docker/base-image.sh
step jre env SAE_IMAGES=jre scripts/docker/images.sh
echo ok > "$STATUS"
