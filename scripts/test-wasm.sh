#!/usr/bin/env bash
# The wasm-bindgen package on a fresh machine: installs the pinned wasm-bindgen CLI (matching the
# crate), Debian's Chromium and the npm dependencies (binaryen among them), builds the package
# from the Rust sources, type-checks a consumer, and runs the Node tests (the corpus through
# decideJson and decide, npm pack into an empty project) and the browser test of the CRM widget.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target add wasm32-unknown-unknown >/dev/null
bash scripts/tools.sh wasm-bindgen
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
(cd js && npm ci --no-audit --no-fund --silent)
(cd js && node scripts/build.mjs)
(cd js && ./node_modules/.bin/tsc -p test/consumer)
echo "typecheck of a consumer: ok"
(cd js && node scripts/size.mjs)
(cd js && node --test test/*.test.mjs)
(cd examples/node-scheduler && npm ci --no-audit --no-fund --silent && node --test scheduler.test.mjs)
