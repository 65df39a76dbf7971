#!/usr/bin/env bash
# Installs what the real-browser tests (tests/browser/) need beyond Python: Debian's Chromium at
# /usr/bin/chromium, which Playwright drives (Playwright's own browser download is never used).
# Quiet and quick when it is present; installs with apt-get when run as root (or with sudo) on
# Debian/Ubuntu, otherwise says what to install and exits 1, like scripts/system-deps.sh.
set -euo pipefail

[ -x /usr/bin/chromium ] && exit 0
missing=(chromium)

# shellcheck source=scripts/apt-install.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"
if ! apt_install "the browser tests (Debian's Chromium at /usr/bin/chromium)" "${missing[@]}"; then
    echo "or leave the browser tests out: pytest -m 'not browser'" >&2
    exit 1
fi
