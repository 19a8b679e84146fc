#!/usr/bin/env bash
# Handover time and repeated verdicts after a SIGKILL, for one consumer-group setting.
# usage: scripts/handover/measure.sh NAME [-Dprop=value ...]   (props go to every replica)
#   STATIC=1 gives replica a/b static ids (monitor.consumer.instance-id), the replacement reusing a's.
#   RATE (events/s, default 10), COUNT (default 600), KILL_AFTER (s, default 20), KILLS (default 1): after
#   the first, each kill comes 10 s after the previous replacement is ready and takes that replacement.
# Runs a fresh broker (the jar's `broker` verb), replicas A and B, kills A with SIGKILL under load,
# starts its replacement at once, then reports: seconds from each kill until the live replicas hold all
# partitions again (from GroupMembership's log lines) and verdicts repeated for the run's events.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=$1; shift
props=("$@")
RATE=${RATE:-10}; COUNT=${COUNT:-600}; KILL_AFTER=${KILL_AFTER:-20}; PARTS=4
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
jar=target/quarkus-app/quarkus-run.jar
out=target/handover/$name; rm -rf "$out"; mkdir -p "$out"
cp=$(ls ~/.m2/repository/org/apache/kafka/kafka-clients/4.1.2/kafka-clients-4.1.2.jar):$(ls ~/.m2/repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
"$J" -jar "$jar" broker --partitions $PARTS > "$out/broker.log" 2>&1 & pids+=($!)
for _ in $(seq 300); do grep -q bootstrap.servers= "$out/broker.log" && break; sleep 0.2; done
boot=$(grep -o 'bootstrap.servers=.*' "$out/broker.log" | cut -d= -f2)
port() { python3 -c 'import socket;s=socket.socket();s.bind(("",0));print(s.getsockname()[1])'; }
start() { # name instance-id
  local mp; mp=$(port)
  local extra=(); [ "${STATIC:-0}" = 1 ] && extra=(-Dmonitor.consumer.instance-id=$2)
  "$J" --enable-native-access=ALL-UNNAMED -Xmx768m -Dquarkus.http.port=$(port) -Dquarkus.management.port=$mp \
    -Dmonitor.publish-all-verdicts=true -Dquarkus.log.category.\"dev.saemonitor.publish\".level=WARN \
    "${extra[@]}" "${props[@]}" -jar "$jar" serve --bootstrap-servers "$boot" > "$out/$1.log" 2>&1 &
  echo "$! $mp"
}
ready() { for _ in $(seq 900); do [ "$(curl -s -o /dev/null -w '%{http_code}' localhost:$1/q/health/ready)" = 200 ] && return 0; sleep 0.2; done; return 1; }
read -r pa ma < <(start A a); pids+=($pa)
read -r pb mb < <(start B b); pids+=($pb)
ready $ma; ready $mb
"$J" -cp "$cp" scripts/handover/Probe.java produce "$boot" $RATE $COUNT "$name" > "$out/produce.log" 2>&1 & prod=$!
sleep "$KILL_AFTER"
victim=$pa; names=(A); kills=()
for k in $(seq ${KILLS:-1}); do
  kill -9 $victim; kills+=("${names[-1]}=$(date +%H:%M:%S.%3N)")
  read -r victim mv < <(start R$k a); pids+=($victim); names+=(R$k)
  ready $mv
  [ "$k" -lt "${KILLS:-1}" ] && sleep 10
done
wait $prod
# wait until every event has a verdict (or 3 minutes)
for _ in $(seq 90); do
  r=$("$J" -cp "$cp" scripts/handover/Probe.java count "$boot" safety.verdicts "$name" $COUNT 2>/dev/null | tail -1)
  case "$r" in *missing=0*) break;; esac; sleep 2
done
python3 - "$out" $PARTS "${names[*]}" "${kills[@]}" <<'PY'
import re, sys
out, parts, names = sys.argv[1], int(sys.argv[2]), ['B'] + sys.argv[3].split()
t = lambda s: sum(float(x) * m for x, m in zip(s.split(':'), (3600, 60, 1)))
killed = {kv.split('=')[0]: t(kv.split('=')[1]) for kv in sys.argv[4:]}
ev = []
for n in names:
    for line in open(f'{out}/{n}.log', errors='replace'):
        m = re.match(r'(\d\d:\d\d:\d\d\.\d{3}) .*(?:now holding|joined the consumer group:) (\d+)', line)
        if m: ev.append((t(m.group(1)), n, int(m.group(2))))
ev.sort()
for victim, k in killed.items():
    held = {}; done = None
    for ts, n, c in ev:
        held[n] = c
        live = sum(v for p, v in held.items() if p not in killed or killed[p] > ts)
        if ts > k and live >= parts: done = ts - k; break
    print(f'kill {victim}: handover_s=' + (f'{done:.1f}' if done is not None else 'none'))
PY
echo "kills=${KILLS:-1} $r"
