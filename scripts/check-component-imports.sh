#!/usr/bin/env bash
# The component must import nothing: no filesystem, socket, clock or random interface, and in
# fact no interface at all. Fails naming whatever it finds.
set -euo pipefail
component="${1:-target/arrears.component.wasm}"
world="$(wasm-tools component wit "$component")"
imports="$(printf '%s\n' "$world" | awk '/^world /{inside=1; next} inside && /^}/{inside=0} inside' | grep -E '^\s*import ' || true)"
forbidden="$(printf '%s\n' "$imports" | grep -E 'wasi:(filesystem|sockets|clocks|random)' || true)"
if [ -n "$forbidden" ]; then
  echo "component imports forbidden interfaces:"; echo "$forbidden"; exit 1
fi
if [ -n "$imports" ]; then
  echo "component imports interfaces it should not need:"; echo "$imports"; exit 1
fi
exports="$(printf '%s\n' "$world" | grep -cE '^\s*export ' || true)"
echo "component imports: none; exports: $exports"
