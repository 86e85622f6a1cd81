#!/usr/bin/env bash
# Say which system packages are missing for PDFs (WeasyPrint needs Pango) and the browser tests.
# Installs nothing: run scripts/install-system-deps.sh as root for that.
missing=()
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v chromium >/dev/null || missing+=(chromium)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Note: some system packages are missing: ${missing[*]}"
  echo "      PDFs, browser tests or read-aloud audio need them: sudo scripts/install-system-deps.sh"
fi
