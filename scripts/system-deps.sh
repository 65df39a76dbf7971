#!/usr/bin/env bash
# Installs the operating-system libraries isms needs beyond Python: Pango and a font for the PDF
# report (WeasyPrint). Quiet and quick when everything is present; installs with apt-get when
# run as root on Debian/Ubuntu, otherwise says what to install.
set -euo pipefail

# Read each listing once into a variable and match in bash: a `ldconfig -p | grep -q` pipe under
# pipefail fails when grep stops reading early (SIGPIPE), which made present libraries look
# missing. ldconfig lives in /sbin, which is not on a normal user's PATH.
ldconfig_bin="$(command -v ldconfig || true)"
for candidate in /sbin/ldconfig /usr/sbin/ldconfig; do
    [ -n "$ldconfig_bin" ] && break
    [ -x "$candidate" ] && ldconfig_bin="$candidate"
done
libraries="$("${ldconfig_bin:-false}" -p 2>/dev/null || true)"
fonts="$(fc-list 2>/dev/null || true)"

missing=()
[[ "$libraries" == *libpango-1.0.so* ]] || missing+=(libpango-1.0-0)
[[ "$libraries" == *libpangoft2-1.0.so* ]] || missing+=(libpangoft2-1.0-0)
[[ "$libraries" == *libharfbuzz-subset.so* ]] || missing+=(libharfbuzz-subset0)
shopt -s nocasematch
[[ "$fonts" == *dejavu* ]] || missing+=(fonts-dejavu-core fontconfig)
shopt -u nocasematch
[ ${#missing[@]} -eq 0 ] && exit 0

# shellcheck source=scripts/apt-install.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"
apt_install "PDF reports" "${missing[@]}"
