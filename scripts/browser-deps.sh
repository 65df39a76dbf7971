#!/usr/bin/env bash
# Installs what the real-browser tests (tests/browser/) need beyond Python: Debian's Chromium at
# /usr/bin/chromium, which Playwright drives (Playwright's own browser download is never used).
# Quiet and quick when it is present; installs with apt-get when run as root (or with sudo) on
# Debian/Ubuntu, otherwise says what to install and exits 1, like scripts/system-deps.sh.
set -euo pipefail

[ -x /usr/bin/chromium ] && exit 0
missing=(chromium)

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing system packages for the browser tests: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing system packages for the browser tests with sudo: ${missing[*]}" >&2
    sudo apt-get update -qq >/dev/null
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "the browser tests need Debian's Chromium at /usr/bin/chromium: ${missing[*]}" >&2
    echo "install it with your package manager (e.g. apt-get install ${missing[*]})," >&2
    echo "or leave the browser tests out: pytest -m 'not browser'" >&2
    exit 1
fi
