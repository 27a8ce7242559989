#!/usr/bin/env bash
# Fetch Camunda's official connector element templates (npm package
# @camunda/connectors-element-templates, pinned) into a cache folder outside the repository,
# for connector/tests/element_templates.rs. Idempotent; nothing is committed.
#   ELEMENT_TEMPLATES_VERSION  the package version (default: the one the tests pin)
#   ELEMENT_TEMPLATES_CACHE    the cache folder (default: ~/.cache/connector-element-templates)
set -euo pipefail

version="${ELEMENT_TEMPLATES_VERSION:-1.0.29}"
cache="${ELEMENT_TEMPLATES_CACHE:-$HOME/.cache/connector-element-templates}"
target="$cache/$version"

if [ -d "$target/package/src/element-templates" ]; then
  echo "element templates $version already in $target"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
  echo "installing npm (to fetch the element templates)"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@camunda/connectors-element-templates@$version" >/dev/null)
mkdir -p "$target"
tar -xzf "$tmp"/camunda-connectors-element-templates-"$version".tgz -C "$target"
echo "element templates $version in $target"
