#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium (driven by Playwright's Python package, never
# `playwright install`) and a CJK font so Chinese renders in screenshots. Idempotent.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei" || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" fontconfig >/dev/null
fi
echo "system deps ok: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}')"
