#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs what each surface needs (pinned
# versions), then the Rust suites (unit, corpus, properties), the WebAssembly package in Node and
# Chromium, and the WASI component in its hosts. Each surface script is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== rust: fmt, clippy, tests"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --features arrears-core/schema -- -D warnings
# The component crate exports names a native linker cannot take; it is built and tested for
# WebAssembly by scripts/test-wasi.sh.
cargo test --workspace --exclude arrears-wasi --features arrears-core/schema

echo "== fuzz: each target for 60 seconds"
bash scripts/fuzz.sh 60

# Spark before the WASI hosts: the conformance table test-wasi.sh prints then has Spark's line too.
for surface in scripts/test-wasm.sh scripts/test-spark.sh scripts/test-wasi.sh; do
  if [ -f "$surface" ]; then
    echo "== $surface"
    bash "$surface"
  fi
done
