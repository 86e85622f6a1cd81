#!/usr/bin/env bash
# Install, from Debian's packages, what the app and its tests need beyond Python (run as root).
set -euo pipefail
packages=(chromium poppler-utils espeak-ng libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
          fonts-noto-core fonts-noto-color-emoji redis-server)
need=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
