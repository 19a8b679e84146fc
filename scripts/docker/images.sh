#!/usr/bin/env bash
# Builds the images on the local base (docker/README.md "Images"), after ./mvnw package:
#   local/kafka-broker:<kafka version>  the test broker (docker/broker/): jlink runtime + the build's Kafka jars
#   sae-safety-monitor:0.1.0            the CPU image (docker/Dockerfile.jvm), lean: no lib/broker
# The Java runtime is made with jlink from the build JDK (target/docker/jre, one layer both images share).
# Each context is staged under target/docker/ with hard links, so the legacy builder (no buildx here) sends only
# what the Dockerfile copies. Exit 0 when both images exist; non-zero with the reason otherwise.
# Env: SAE_IMAGES=jre|broker|app|all (default all: the three); APP_IMAGE (default sae-safety-monitor:0.1.0).
# When scripts/docker/prepare.sh runs in the background (CI), waits for it first (at most SAE_PREPARE_WAIT_S, 300).
set -euo pipefail
cd "$(dirname "$0")/../.."

WHAT=${SAE_IMAGES:-all}
APP_IMAGE=${APP_IMAGE:-sae-safety-monitor:0.1.0}
BASE=local/debian:bookworm
OUT=target/docker
TIMES=$OUT/times.txt
say() { echo "images: $*" >&2; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
record() { mkdir -p "$OUT"; echo "$(date -u +%FT%TZ) $1 $2 s" >> "$TIMES"; say "$1: $2 s"; }

STATUS=$OUT/prepare.status
preparing() { read -r state pid < "$STATUS" 2>/dev/null && [ "$state" = running ] && kill -0 "$pid" 2>/dev/null; }
if [ "$WHAT" != jre ] && [ -f "$STATUS" ] && preparing; then
  t=$(now); deadline=$(( $(date +%s) + ${SAE_PREPARE_WAIT_S:-300} ))
  while preparing && [ "$(date +%s)" -lt "$deadline" ]; do sleep 1; done
  say "waited $(took "$t") s for scripts/docker/prepare.sh: $(cat "$STATUS")"
fi
if ! timeout 10 docker info >/dev/null 2>&1; then
  say "no Docker engine answers (start one with scripts/docker/engine.sh); no images built"
  exit 2
fi
if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  say "$BASE is missing (build it with scripts/docker/base-image.sh); no images built"
  exit 3
fi
APP=target/quarkus-app
if [ "$WHAT" != jre ] && { [ ! -f "$APP/quarkus-run.jar" ] || [ ! -d "$APP/lib/broker" ]; }; then
  say "$APP/quarkus-run.jar or $APP/lib/broker missing: run ./mvnw package first"
  exit 4
fi

# --- Java runtime: jlink from the build JDK (Debian bookworm has no Java >= 21 package) ---
JDK=${JLINK_JDK:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}}
if [ ! -x "$JDK/bin/jlink" ]; then
  JDK=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
fi
[ -x "$JDK/bin/jlink" ] || { say "no jlink in $JDK (set JLINK_JDK to a JDK >= 21)"; exit 5; }
# what the service (Quarkus, Kafka clients/streams, ONNX Runtime, OIDC) and the broker use (java.desktop: java.beans, for Kafka and commons-beanutils)
MODULES=java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.security.sasl,java.sql,java.xml,java.instrument,java.scripting,jdk.unsupported,jdk.management,jdk.zipfs,jdk.naming.dns,jdk.crypto.cryptoki,jdk.jfr
JRE=$OUT/jre
stamp="$("$JDK/bin/java" -version 2>&1 | head -n1) $MODULES"
if [ ! -f "$JRE/.stamp" ] || [ "$(cat "$JRE/.stamp")" != "$stamp" ]; then
  t=$(now)
  rm -rf "$JRE"
  mkdir -p "$OUT"
  "$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=zip-6 --output "$JRE"
  echo "$stamp" > "$JRE/.stamp"
  record jlink "$(took "$t")"
fi
[ "$WHAT" = jre ] && exit 0

# hard links where the file system allows, copies otherwise
stage() { mkdir -p "$(dirname "$2")"; cp -al "$1" "$2" 2>/dev/null || cp -a "$1" "$2"; }
build() { # tag, context, [dockerfile]
  local t old; t=$(now)
  old=$(docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true)
  if ! docker build -q ${3:+-f "$3"} -t "$1" "$2" >"$OUT/build-${1//[\/:]/_}.log" 2>&1; then
    say "docker build $1 failed, see $OUT/build-${1//[\/:]/_}.log:"; tail -n 15 "$OUT/build-${1//[\/:]/_}.log" >&2
    return 1
  fi
  record "build $1 ($(docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.0f MB", $1/1e6}'))" "$(took "$t")"
  # the image this tag named before, now untagged: removed unless a container or another tag uses it
  if [ -n "$old" ] && [ "$old" != "$(docker image inspect -f '{{.Id}}' "$1")" ]; then docker rmi "$old" >/dev/null 2>&1 || true; fi
}

if [ "$WHAT" = all ] || [ "$WHAT" = broker ]; then
  # no SLF4J provider: the broker logs nothing but run.sh's line; callers check readiness with an admin client
  kafka_jar=$(ls "$APP"/lib/broker/kafka_2.13-*.jar | head -n1)
  KAFKA_VERSION=$(basename "$kafka_jar" .jar); KAFKA_VERSION=${KAFKA_VERSION#kafka_2.13-}
  ctx=$OUT/broker-ctx
  rm -rf "$ctx"; mkdir -p "$ctx/libs"
  stage "$JRE" "$ctx/$JRE"
  cp docker/broker/Dockerfile docker/broker/run.sh "$ctx/"
  # the broker-only jars, and from lib/main what the broker shares with the service's clients
  for j in "$APP"/lib/broker/*.jar; do stage "$j" "$ctx/libs/$(basename "$j")"; done
  for j in "$APP"/lib/main/*.jar; do
    case "$(basename "$j")" in
      org.apache.kafka.kafka-clients-*|org.slf4j.*|com.fasterxml.jackson.*|at.yawk.lz4.*|org.lz4.*|com.github.luben.*|org.xerial.snappy.*|org.hdrhistogram.*|org.bitbucket.b_c.jose4j-*|org.yaml.snakeyaml-*)
        stage "$j" "$ctx/libs/$(basename "$j")" ;;
    esac
  done
  build "local/kafka-broker:$KAFKA_VERSION" "$ctx"
  docker tag "local/kafka-broker:$KAFKA_VERSION" local/kafka-broker:latest
fi

if [ "$WHAT" = all ] || [ "$WHAT" = app ]; then
  ctx=$OUT/app-ctx
  rm -rf "$ctx"; mkdir -p "$ctx/$APP/lib"
  stage "$JRE" "$ctx/$JRE"
  for p in "$APP"/*.jar "$APP/app" "$APP/quarkus" "$APP/lib/boot" "$APP/lib/main"; do stage "$p" "$ctx/$p"; done
  # the image is linux/amd64 (glibc): the three native-carrying jars lose the other platforms' libraries
  # (RocksDB for Kafka Streams, ONNX Runtime, tokenizers: about 100 MB). Without zip they go in whole.
  if command -v zip >/dev/null 2>&1; then
    t=$(now)
    thin() { # jar pattern, entries to drop...
      local j; j=$(ls "$ctx/$APP"/lib/main/$1 2>/dev/null | head -n1); shift
      [ -n "$j" ] || return 0
      cp --remove-destination "$APP/lib/main/$(basename "$j")" "$j"   # a copy, not the build's hard-linked jar
      zip -q -d "$j" "$@" >/dev/null 2>&1 || true
    }
    thin 'org.rocksdb.rocksdbjni-*.jar' 'librocksdbjni-linux32*' 'librocksdbjni-linux64-musl.so' 'librocksdbjni-osx-*' \
      'librocksdbjni-linux-*' 'librocksdbjni-win64.dll'
    thin 'com.microsoft.onnxruntime.onnxruntime-*.jar' 'ai/onnxruntime/native/osx-*' 'ai/onnxruntime/native/win-*' \
      'ai/onnxruntime/native/linux-aarch64/*'
    thin 'ai.djl.huggingface.tokenizers-*.jar' 'native/lib/linux-aarch64/*' 'native/lib/osx-*' 'native/lib/win-*'
    record "thin native jars" "$(took "$t")"
  fi
  stage target/readers "$ctx/target/readers"
  stage model-packs/default "$ctx/model-packs/default"
  build "$APP_IMAGE" "$ctx" docker/Dockerfile.jvm
fi
