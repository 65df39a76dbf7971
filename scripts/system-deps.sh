#!/usr/bin/env bash
# Installs the operating-system libraries isms needs beyond Python: Pango and a font for the PDF
# report (WeasyPrint). Quiet and quick when everything is present; installs with apt-get when
# run as root on Debian/Ubuntu, otherwise says what to install.
set -euo pipefail

missing=()
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so' || missing+=(libharfbuzz-subset0)
if ! fc-list 2>/dev/null | grep -qi 'dejavu'; then
    missing+=(fonts-dejavu-core fontconfig)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing system packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing system packages with sudo: ${missing[*]}" >&2
    sudo apt-get update -qq >/dev/null
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "isms needs these system packages for PDF reports: ${missing[*]}" >&2
    echo "install them with your package manager (e.g. apt-get install ${missing[*]})" >&2
    exit 1
fi
