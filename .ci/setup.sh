#!/usr/bin/env bash
# Install the system packages the README's set-up lists (idempotent; Debian/Ubuntu).
#   build-essential - the C compiler for libcurl (curl-sys, static) and mimalloc
#   pkg-config, libssl-dev - the system OpenSSL for libcurl (isahc), per-task TLS, https
#                     proxies and the HTTPS test server/certificates
#                     (the system's rather than one built from source by the openssl crate's
#                     `vendored` feature, which would take several times as long as the
#                     rest of a fresh build)
#   ca-certificates - the system trust store
#   tinyproxy   - the real HTTP proxy the connector proxy tests and fixtures start on 127.0.0.1
#   procps      - `kill`, with which the worker tests signal worker processes (not in a
#                 minimal Debian)
# The tests start their own tinyproxy processes; the packaged service is stopped and disabled.
set -euo pipefail

# Keep in step with README.md, Set-up.
packages=(build-essential pkg-config libssl-dev ca-certificates tinyproxy procps)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  # Keep the package's own service from starting during installation where possible.
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "system packages already installed: ${packages[*]}"
fi

# The tests run their own tinyproxy instances: stop and disable the packaged one.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now tinyproxy >/dev/null 2>&1 || true
elif command -v service >/dev/null 2>&1; then
  $SUDO service tinyproxy stop >/dev/null 2>&1 || true
fi

command -v tinyproxy >/dev/null 2>&1 || [ -x /usr/bin/tinyproxy ] || [ -x /usr/sbin/tinyproxy ] || {
  echo "tinyproxy is still missing" >&2
  exit 1
}
echo "tinyproxy: $(tinyproxy -v 2>&1 | head -n1)"

# Camunda's official element templates for the element-templates conformance test (npm).
bash "$(dirname "${BASH_SOURCE[0]}")/fetch-element-templates.sh"
