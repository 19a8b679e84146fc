#!/usr/bin/env bash
# Starts a local Docker engine for the container tests and images (docker/README.md "Engine").
# Idempotent: installs Debian's docker.io, debootstrap, kcat (and curl, zip for smoke.sh/images.sh) only when missing, and starts dockerd
# only when no engine answers yet. dockerd runs with --bridge=none --iptables=false: containers use
# host networking only (--network host), nothing listens or connects outside loopback.
# Exit 0 when `docker info` answers; non-zero with the reason (and the log's tail) when it cannot.
set -euo pipefail

LOG=${SAE_DOCKERD_LOG:-/var/log/sae-dockerd.log}
DATA_ROOT=${SAE_DOCKERD_DATA_ROOT:-/var/lib/docker}
WAIT_S=${SAE_DOCKERD_WAIT_S:-60}
SOCK=/var/run/docker.sock
t0=$(date +%s)

say() { echo "engine: $*" >&2; }
answers() { timeout 10 docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && answers; then
  say "a Docker engine already answers on $SOCK ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  say "cannot install or start dockerd: not root (uid $(id -u))"
  exit 2
fi

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v curl >/dev/null 2>&1 || missing+=(curl)   # smoke.sh's health check
command -v zip >/dev/null 2>&1 || missing+=(zip)     # images.sh's native-library thinning
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} from Debian"
  # keep the package's init scripts from starting a dockerd with default (bridge + iptables) settings
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  ok=0
  if apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/sae-engine-apt.log 2>&1; then
    ok=1
  elif apt-get update -q >>/tmp/sae-engine-apt.log 2>&1 \
      && apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/sae-engine-apt.log 2>&1; then
    ok=1
  fi
  [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  if [ "$ok" != 1 ]; then
    say "apt-get install ${missing[*]} failed, see /tmp/sae-engine-apt.log:"
    tail -n 5 /tmp/sae-engine-apt.log >&2
    exit 3
  fi
  say "installed ${missing[*]} in $(( $(date +%s) - t0 )) s"
fi

# a dockerd of ours that died leaves its pid file behind; a live one that does not answer is waited for
pidfile=/var/run/sae-dockerd.pid
if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  say "dockerd (pid $(cat "$pidfile")) is running but not answering yet; waiting"
else
  rm -f "$pidfile" /var/run/docker.pid
  # containerd is started by dockerd itself (its managed child) when none runs
  mkdir -p "$DATA_ROOT" "$(dirname "$LOG")"
  t1=$(date +%s)
  nohup setsid dockerd --bridge=none --iptables=false --ip-masq=false \
      --data-root "$DATA_ROOT" --pidfile /var/run/docker.pid -H "unix://$SOCK" \
      >>"$LOG" 2>&1 </dev/null &
  echo $! > "$pidfile"
  say "started dockerd (pid $!, log $LOG, data root $DATA_ROOT)"
fi

deadline=$(( $(date +%s) + WAIT_S ))
until answers; do
  if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    say "dockerd exited before answering; last lines of $LOG:"
    tail -n 15 "$LOG" >&2
    rm -f "$pidfile"
    exit 4
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    say "dockerd did not answer within ${WAIT_S}s; last lines of $LOG:"
    tail -n 15 "$LOG" >&2
    exit 5
  fi
  sleep 0.5
done
say "engine answers: server $(docker version --format '{{.Server.Version}}' 2>/dev/null), storage $(docker info --format '{{.Driver}}' 2>/dev/null), ready in $(( $(date +%s) - t0 )) s total"
