#!/usr/bin/env bash
# Restore time of conversation state after a restart, for CONVERSATIONS conversations of TURNS turns.
# usage: scripts/conversations/restore-bench.sh [NAME]   (env: CONVERSATIONS=100000 TURNS=4 STORE=persistent|in-memory
#        JAR=target/quarkus-app/quarkus-run.jar)
# Runs a fresh broker (the jar's `broker` verb) and replica A, writes the turn records straight to safety.turns
# (TurnLoad.java: no scoring, so 100k conversations load in about a minute), waits until A tracks them all, then:
#   1. SIGKILL A, restart it on the same state directory (same slot: local store + changelog tail);
#   2. SIGKILL that, start B on an empty state directory (a move to another replica: full changelog restore).
# Each start waits out the killed member's session (11 s) first, so the figure is join + restore, not the
# dead member's timeout. Reports the restore span and the seconds from topology start to RUNNING.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=${1:-restore}
N=${CONVERSATIONS:-100000}; T=${TURNS:-4}; STORE=${STORE:-persistent}
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
jar=${JAR:-target/quarkus-app/quarkus-run.jar}   # JAR=/tmp/copy/quarkus-run.jar while a build may rewrite target/
lib=$(dirname "$jar")/lib/main
out=target/conversations/$name; rm -rf "$out"; mkdir -p "$out"
cp=$(ls "$lib"/org.apache.kafka.kafka-clients-*.jar):$(ls "$lib"/org.slf4j.slf4j-api-*.jar):$(ls "$lib"/at.yawk.lz4.lz4-java-*.jar)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
"$J" -jar "$jar" broker --partitions 4 > "$out/broker.log" 2>&1 & pids+=($!)
for _ in $(seq 300); do grep -q bootstrap.servers= "$out/broker.log" && break; sleep 0.2; done
boot=$(grep -o 'bootstrap.servers=.*' "$out/broker.log" | cut -d= -f2)
port() { python3 -c 'import socket;s=socket.socket();s.bind(("",0));print(s.getsockname()[1])'; }
start() { # name state-dir
  local mp; mp=$(port)
  "$J" --enable-native-access=ALL-UNNAMED -Xmx1g -Dquarkus.http.port=$(port) -Dquarkus.management.port=$mp \
    -Dmonitor.conversations.store=$STORE -Dmonitor.conversations.state-dir="$2" \
    -jar "$jar" serve --bootstrap-servers "$boot" > "$out/$1.log" 2>&1 &
  echo "$! $mp"
}
metric() { curl -s localhost:$1/q/metrics | awk -v m="$2" '$1==m {print $2}'; }
ready() { for _ in $(seq 1500); do [ "$(curl -s -o /dev/null -w '%{http_code}' localhost:$1/q/health/ready)" = 200 ] && return 0; sleep 0.2; done; return 1; }
read -r pa ma < <(start A "$out/streams-a"); pids+=($pa)
ready $ma
"$J" -cp "$cp" scripts/conversations/TurnLoad.java "$boot" $N $T | tee "$out/load.log"
t0=$(date +%s)
until [ "$(metric $ma sae_monitor_conversations_tracked)" = "$N.0" ]; do
  sleep 2; [ $(( $(date +%s) - t0 )) -gt 900 ] && { echo "A never tracked $N conversations"; exit 1; }
done
# every turn processed: verdicts flagged + clear = N x T
until [ "$(curl -s localhost:$ma/q/metrics | awk '/^sae_monitor_conversation_verdicts_total/ {s+=$2} END {printf "%d", s}')" -ge $((N * T)) ]; do sleep 2; done
echo "A: $N conversations, $(metric $ma sae_monitor_conversation_state_bytes) bytes of state, processed in $(( $(date +%s) - t0 )) s" | tee -a "$out/figures.txt"
report() { # label port
  echo "$1: ready after $(metric $2 sae_monitor_conversation_state_ready_seconds) s from topology start; $(grep -o 'conversation state running.*' "$out/$3.log")" | tee -a "$out/figures.txt"
  echo "$1: tracks $(metric $2 sae_monitor_conversations_tracked) conversations" | tee -a "$out/figures.txt"
}
kill -9 $pa; sleep 11
read -r pa2 ma2 < <(start A2 "$out/streams-a"); pids+=($pa2)
ready $ma2; report "restart on the same disk" $ma2 A2
kill -9 $pa2; sleep 11
read -r pb mb < <(start B "$out/streams-b"); pids+=($pb)
ready $mb; report "move to an empty replica" $mb B
