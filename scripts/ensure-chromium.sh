#!/usr/bin/env bash
# The pages' browser tests (test/web) drive a real Chromium through playwright-core.
# Use CHROMIUM_PATH if set, else Debian's chromium; install it with apt when it is
# missing and this machine allows (root, or sudo without a password).
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] || { echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2; exit 1; }
  exit 0
fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
echo "Installing Debian's chromium and chromium-driver for the browser tests…"
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then sudo_cmd="sudo -n"; else
    echo "The browser tests need Chromium: run 'sudo apt-get install chromium chromium-driver', or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -q >/dev/null || true
$sudo_cmd apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null
command -v chromium >/dev/null
