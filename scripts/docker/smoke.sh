#!/usr/bin/env bash
# Smoke test of the CPU image (docker/README.md "Smoke test"), host networking only:
#   1. the image refuses the embedded broker (it carries none) with a clear message;
#   2. a broker container (local/kafka-broker) on free loopback ports, the service container against it;
#   3. /q/health/ready turns UP; an event produced with kcat gets its verdict on safety.verdicts (read with kcat);
#   4. the service's RSS idle after ready and after SMOKE_EVENTS more events, image size -> target/docker/smoke.txt.
# Exit 0 on success, 1 when a check fails, 2 when it cannot run (no engine, image, kcat or curl: says which).
set -euo pipefail
cd "$(dirname "$0")/../.."

APP_IMAGE=${APP_IMAGE:-sae-safety-monitor:0.1.0}
EVENTS=${SMOKE_EVENTS:-50}
READY_S=${SMOKE_READY_S:-240}
OUT=target/docker
REPORT=$OUT/smoke.txt
say() { echo "smoke: $*" >&2; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
mkdir -p "$OUT"

for tool in docker kcat curl; do
  command -v "$tool" >/dev/null 2>&1 || { say "cannot run: $tool is not installed (scripts/docker/engine.sh installs kcat)"; exit 2; }
done
timeout 10 docker info >/dev/null 2>&1 || { say "cannot run: no Docker engine answers (scripts/docker/engine.sh)"; exit 2; }
BROKER_IMAGE=${BROKER_IMAGE:-$(docker image ls --format '{{.Repository}}:{{.Tag}}' local/kafka-broker | grep -v ':latest$' | sort -V | tail -n1)}
for img in "$APP_IMAGE" "$BROKER_IMAGE"; do
  [ -n "$img" ] && docker image inspect "$img" >/dev/null 2>&1 \
    || { say "cannot run: image ${img:-local/kafka-broker} missing (scripts/docker/images.sh)"; exit 2; }
done

# a free loopback port: a random one nobody answers on (containers share the host's network)
free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 40000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
rss_mib() { # resident set of the container's java process, MiB
  local pid; pid=$(docker inspect -f '{{.State.Pid}}' "$1")
  awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status"
}

broker="" app=""
cleanup() {
  [ -n "$app" ] && docker rm -f "$app" >/dev/null 2>&1 || true
  [ -n "$broker" ] && docker rm -f "$broker" >/dev/null 2>&1 || true
}
trap cleanup EXIT
fail() {
  say "FAILED: $*"
  if [ -n "$app" ]; then say "service log (tail):"; docker logs "$app" 2>&1 | tail -n 40 >&2 || true; fi
  exit 1
}

t_all=$(now)
# 1. no test broker in the image (SMOKE_SKIP_REFUSAL=1 for an image that has one, e.g. to measure the old layout)
t=$(now)
if [ "${SMOKE_SKIP_REFUSAL:-0}" != 1 ]; then
set +e
refusal=$(docker run --rm --network host "$APP_IMAGE" serve 2>&1)
rc=$?
set -e
echo "$refusal" | grep -q "in-process Kafka broker is not part of this installation" && [ "$rc" = 2 ] \
  || { say "serve without a broker said (exit $rc): $refusal"; fail "the image did not refuse the embedded broker with the expected message"; }
say "the image refuses the embedded broker (exit 2, $(took "$t") s)"
fi

# 2. broker + service
KP=$(free_port); KC=$(free_port); HP=$(free_port); MP=$(free_port)
BOOT=localhost:$KP
t=$(now)
broker=$(docker run -d --network host -e KAFKA_PORT="$KP" -e KAFKA_CONTROLLER_PORT="$KC" -e KAFKA_PARTITIONS=4 "$BROKER_IMAGE")
deadline=$(( $(date +%s) + 90 ))
until kcat -b "$BOOT" -L -m 2 >/dev/null 2>&1; do
  [ "$(docker inspect -f '{{.State.Running}}' "$broker")" = true ] || { docker logs "$broker" 2>&1 | tail -n 20 >&2; fail "broker container exited"; }
  [ "$(date +%s)" -lt "$deadline" ] || fail "broker on $BOOT did not answer within 90 s"
  sleep 0.5
done
# the service's topics, as compose's kafka-init does (Kafka Streams needs its source topic to exist): a metadata
# request per topic with auto-creation allowed (the broker has no topic tool; num.partitions=4)
for topic in llm.events safety.flags safety.verdicts llm.events.dlq safety.turns safety.conversations safety.review safety.feedback; do
  kcat -b "$BOOT" -L -t "$topic" -X allow.auto.create.topics=true -m 10 >/dev/null 2>&1 || fail "cannot create topic $topic on $BOOT"
done
t_broker=$(took "$t")
say "broker $BROKER_IMAGE answers on $BOOT ($t_broker s)"

t=$(now)
app=$(docker run -d --network host --read-only --tmpfs /tmp:rw,exec --tmpfs /var/lib/sae-monitor/streams:rw,mode=1777 \
  -e KAFKA_BOOTSTRAP_SERVERS="$BOOT" -e QUARKUS_HTTP_PORT="$HP" -e QUARKUS_MANAGEMENT_PORT="$MP" \
  -e MONITOR_PUBLISH_ALL_VERDICTS=true "$APP_IMAGE")
deadline=$(( $(date +%s) + READY_S ))
until curl -fsS "http://127.0.0.1:$MP/q/health/ready" 2>/dev/null | grep -q '"status": *"UP"'; do
  [ "$(docker inspect -f '{{.State.Running}}' "$app")" = true ] || fail "service container exited ($(docker inspect -f '{{.State.ExitCode}}' "$app"))"
  [ "$(date +%s)" -lt "$deadline" ] || fail "/q/health/ready not UP within $READY_S s"
  sleep 1
done
t_ready=$(took "$t")
say "service ready (/q/health/ready UP on :$MP) in $t_ready s"
# idle after ready: let start-up work settle, then read RSS
sleep 5
rss_idle=$(rss_mib "$app")

# 3. one event, its verdict
id="smoke-$(date +%s)-$RANDOM"
t=$(now)
printf 'conv-smoke|{"id":"%s","conversationId":"conv-smoke","tenant":"smoke","model":"gpt-x","role":"completion","text":"Hello there, how do I bake bread?","time":"2026-01-01T00:00:00Z"}\n' "$id" \
  | kcat -b "$BOOT" -P -t llm.events -K'|'
deadline=$(( $(date +%s) + 120 ))
verdict=""
until [ -n "$verdict" ]; do
  verdict=$(kcat -b "$BOOT" -C -t safety.verdicts -o beginning -e -q -m 5 2>/dev/null | grep -F "\"$id\"" | head -n1 || true)
  [ -n "$verdict" ] && break
  [ "$(date +%s)" -lt "$deadline" ] || fail "no verdict for $id on safety.verdicts within 120 s"
  sleep 1
done
t_verdict=$(took "$t")
echo "$verdict" | grep -q '"eventId" *: *"'"$id"'"' || fail "the record naming $id is not its verdict: $verdict"
say "verdict for $id on safety.verdicts in $t_verdict s"

# 4. RSS after more events
t=$(now)
for i in $(seq 1 "$EVENTS"); do
  printf 'conv-%d|{"id":"%s-%d","conversationId":"conv-%d","tenant":"smoke","model":"gpt-x","role":"prompt","text":"Event number %d asks about the weather in a city.","time":"2026-01-01T00:00:00Z"}\n' \
    $((i % 7)) "$id" "$i" $((i % 7)) "$i"
done | kcat -b "$BOOT" -P -t llm.events -K'|'
last="$id-$EVENTS"
deadline=$(( $(date +%s) + 300 ))
until kcat -b "$BOOT" -C -t safety.verdicts -o beginning -e -q 2>/dev/null | grep -qF "\"$last\""; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "no verdict for $last within 300 s"
  sleep 1
done
t_events=$(took "$t")
rss_after=$(rss_mib "$app")
size=$(docker image inspect -f '{{.Size}}' "$APP_IMAGE" | awk '{printf "%.0f", $1/1e6}')
line="$(date -u +%FT%TZ) image=$APP_IMAGE size_mb=$size broker_s=$t_broker ready_s=$t_ready first_verdict_s=$t_verdict events=$EVENTS events_s=$t_events rss_idle_mib=$rss_idle rss_after_events_mib=$rss_after total_s=$(took "$t_all")"
echo "$line" >> "$REPORT"
say "OK: $line"
