#!/usr/bin/env bash
# Builds the local base image local/debian:bookworm (no registry is reachable): debootstrap
# --variant=minbase from the Debian mirror this machine's apt is configured with, then docker import.
# Skips when the image exists already. Needs root, debootstrap and an engine (scripts/docker/engine.sh).
set -euo pipefail

IMAGE=${SAE_BASE_IMAGE:-local/debian:bookworm}
SUITE=${SAE_BASE_SUITE:-bookworm}
say() { echo "base-image: $*" >&2; }

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "$IMAGE exists already ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')), skipped"
  exit 0
fi

# The mirror apt uses: the first URIs: line of a deb822 sources file, else the first "deb" line.
mirror() {
  local f uri
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    uri=$(awk '/^[[:space:]]*URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { if ($i !~ /security/) { print $i; exit } else break } }' "$f")
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
}
MIRROR=$(mirror)
if [ -z "$MIRROR" ]; then
  say "no Debian mirror found in /etc/apt/sources.list.d/*.sources (URIs:) or /etc/apt/sources.list (deb)"
  exit 2
fi

ROOTFS=$(mktemp -d /var/tmp/sae-rootfs.XXXXXX)
trap 'rm -rf "$ROOTFS"' EXIT
t0=$(date +%s)
say "debootstrap --variant=minbase $SUITE from $MIRROR"
if ! debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" >/tmp/sae-debootstrap.log 2>&1; then
  say "debootstrap failed, see /tmp/sae-debootstrap.log:"
  tail -n 10 /tmp/sae-debootstrap.log >&2
  exit 3
fi
t1=$(date +%s)
# apt inside containers uses the same mirror; no package caches or lists in the image
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
tar --numeric-owner -C "$ROOTFS" -c . | docker import \
    -c 'ENV LANG=C.UTF-8' -c 'CMD ["/bin/bash"]' \
    -m "debootstrap --variant=minbase $SUITE $MIRROR" - "$IMAGE" >/dev/null
t2=$(date +%s)
say "$IMAGE built: debootstrap $((t1 - t0)) s, import $((t2 - t1)) s, $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"
