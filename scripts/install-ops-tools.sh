#!/usr/bin/env bash
# Installs the ops tools the alerting tests use, from Debian packages, when they are missing:
#   promtool  (package prometheus)               alerts/ and dashboard expressions
#   amtool    (package prometheus-alertmanager)  alerts/alertmanager.yml
#   prometheus, prometheus-alertmanager (the servers, same packages)  AlertingEndToEndTest
#   python3-numpy  the independent NumPy reference of EncodeCrossCheckTest (scripts/saelens_reference.py)
#   chromium, chromium-driver  headless browser of ConsoleBrowserTest (Selenium, driver at /usr/bin/chromedriver)
# Idempotent: does nothing when all are on PATH. Runs `apt-get update` only when the
# packages are not found in the current package lists. Non-interactive.
# Exit status: 0 when both tools are available afterwards, 1 otherwise (with a message).
set -uo pipefail

need=()
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
  need+=(prometheus)
fi
if ! command -v amtool >/dev/null 2>&1 \
    || { ! command -v prometheus-alertmanager >/dev/null 2>&1 && ! command -v alertmanager >/dev/null 2>&1; }; then
  need+=(prometheus-alertmanager)
fi

if ! python3 -c 'import numpy' >/dev/null 2>&1; then
  need+=(python3-numpy)
fi

if ! command -v chromium >/dev/null 2>&1; then
  need+=(chromium)
fi
if ! command -v chromedriver >/dev/null 2>&1; then
  need+=(chromium-driver)
fi

if [ ${#need[@]} -eq 0 ]; then
  echo "install-ops-tools: promtool, amtool, prometheus, alertmanager and chromium already installed"
  exit 0
fi

say() { echo "install-ops-tools: $*" >&2; }

if ! command -v apt-get >/dev/null 2>&1; then
  say "cannot install ${need[*]}: no apt-get on this machine. Install promtool and amtool by hand;"
  say "the tests that need them are skipped meanwhile."
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    say "cannot install ${need[*]}: not root and no password-less sudo."
    say "Run: sudo apt-get install -y ${need[*]}"
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
apt_install() {
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "$@" "${need[@]}" </dev/null
}

# Update the package lists only if apt does not know the packages yet.
known=1
for p in "${need[@]}"; do
  apt-cache show "$p" >/dev/null 2>&1 || known=0
done
if [ "$known" -eq 0 ]; then
  say "updating package lists"
  "${SUDO[@]}" apt-get update -q </dev/null >/dev/null || say "apt-get update failed"
fi

say "installing ${need[*]}"
if ! apt_install >/tmp/install-ops-tools.log 2>&1; then
  say "apt-get install ${need[*]} failed (see /tmp/install-ops-tools.log); retrying after apt-get update"
  "${SUDO[@]}" apt-get update -q </dev/null >/dev/null 2>&1
  apt_install >/tmp/install-ops-tools.log 2>&1 || true
fi
# Package installed but the binary gone (deleted by hand): reinstall once.
if ! command -v promtool >/dev/null 2>&1 || ! command -v amtool >/dev/null 2>&1 \
    || ! command -v prometheus >/dev/null 2>&1; then
  apt_install --reinstall >>/tmp/install-ops-tools.log 2>&1 || true
fi

# The Debian packages start daemons where systemd runs; the tests only need the CLIs.
ok=0
command -v promtool >/dev/null 2>&1 || { say "promtool is still missing"; ok=1; }
command -v amtool >/dev/null 2>&1 || { say "amtool is still missing"; ok=1; }
# The servers only matter to AlertingEndToEndTest: report them, keep the exit status about the CLIs.
command -v prometheus >/dev/null 2>&1 || say "prometheus (server) is still missing"
command -v prometheus-alertmanager >/dev/null 2>&1 || command -v alertmanager >/dev/null 2>&1 \
  || say "alertmanager (server) is still missing"
# The browser only matters to ConsoleBrowserTest, which is skipped (and says so) without it.
{ command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; } \
  || say "chromium / chromedriver still missing: ConsoleBrowserTest will be skipped"
if [ "$ok" -eq 0 ]; then
  say "ok: $(promtool --version 2>&1 | head -n1); $(amtool --version 2>&1 | head -n1)"
else
  say "could not install the ops tools; the tests that need them will be skipped (see /tmp/install-ops-tools.log)"
fi
exit "$ok"
