#!/usr/bin/env bash
# Installs the operating-system packages isms needs beyond Python (none yet on this branch;
# the PDF report and browser tests add theirs here). Idempotent and quiet when all is present.
set -euo pipefail
exit 0
